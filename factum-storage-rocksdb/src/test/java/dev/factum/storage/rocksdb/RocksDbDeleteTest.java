package dev.factum.storage.rocksdb;

import dev.factum.tck.DeleteTck;
import dev.factum.tck.StoreFixture;

class RocksDbDeleteTest extends DeleteTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
