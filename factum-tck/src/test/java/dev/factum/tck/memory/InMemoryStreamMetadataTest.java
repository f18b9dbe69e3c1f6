package dev.factum.tck.memory;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StreamMetadataTck;

class InMemoryStreamMetadataTest extends StreamMetadataTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new InMemoryFixture();
  }
}
