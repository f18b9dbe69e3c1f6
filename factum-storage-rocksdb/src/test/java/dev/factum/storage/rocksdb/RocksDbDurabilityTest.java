package dev.factum.storage.rocksdb;

import dev.factum.tck.DurabilityTck;
import dev.factum.tck.StoreFixture;

class RocksDbDurabilityTest extends DurabilityTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
