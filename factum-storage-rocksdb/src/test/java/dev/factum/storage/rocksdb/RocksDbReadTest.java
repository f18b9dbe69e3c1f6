package dev.factum.storage.rocksdb;

import dev.factum.tck.ReadTck;
import dev.factum.tck.StoreFixture;

class RocksDbReadTest extends ReadTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
