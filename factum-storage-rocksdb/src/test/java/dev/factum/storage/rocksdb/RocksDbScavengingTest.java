package dev.factum.storage.rocksdb;

import dev.factum.tck.ScavengingTck;
import dev.factum.tck.StoreFixture;

class RocksDbScavengingTest extends ScavengingTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
