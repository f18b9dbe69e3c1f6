package dev.factum.storage.postgres;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StreamMetadataTck;

class PostgresStreamMetadataTest extends StreamMetadataTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new PostgresFixture();
  }
}
