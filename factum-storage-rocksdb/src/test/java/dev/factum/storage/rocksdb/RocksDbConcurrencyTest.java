package dev.factum.storage.rocksdb;

import dev.factum.tck.ConcurrencyTck;
import dev.factum.tck.StoreFixture;

class RocksDbConcurrencyTest extends ConcurrencyTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
