package dev.factum.storage.rocksdb;

import dev.factum.tck.SnapshotTck;
import dev.factum.tck.StoreFixture;

class RocksDbSnapshotTest extends SnapshotTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
