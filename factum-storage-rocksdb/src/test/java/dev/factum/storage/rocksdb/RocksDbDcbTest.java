package dev.factum.storage.rocksdb;

import dev.factum.tck.DcbTck;
import dev.factum.tck.StoreFixture;

class RocksDbDcbTest extends DcbTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
