package dev.factum.storage.rocksdb;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StoreRecordsTck;

class RocksDbStoreRecordsTest extends StoreRecordsTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
