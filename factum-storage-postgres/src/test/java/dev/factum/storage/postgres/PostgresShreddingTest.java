package dev.factum.storage.postgres;

import dev.factum.tck.ShreddingTck;
import dev.factum.tck.StoreFixture;

class PostgresShreddingTest extends ShreddingTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new PostgresFixture();
  }
}
