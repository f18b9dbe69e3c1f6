package dev.factum.storage.rocksdb;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.SystemStreamsTck;

class RocksDbSystemStreamsTest extends SystemStreamsTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
