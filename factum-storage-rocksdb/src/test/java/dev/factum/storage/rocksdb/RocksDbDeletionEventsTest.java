package dev.factum.storage.rocksdb;

import dev.factum.tck.DeletionEventsTck;
import dev.factum.tck.StoreFixture;

class RocksDbDeletionEventsTest extends DeletionEventsTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
