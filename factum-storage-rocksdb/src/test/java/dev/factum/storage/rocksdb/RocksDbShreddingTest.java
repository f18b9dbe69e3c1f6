package dev.factum.storage.rocksdb;

import dev.factum.tck.ShreddingTck;
import dev.factum.tck.StoreFixture;

class RocksDbShreddingTest extends ShreddingTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
