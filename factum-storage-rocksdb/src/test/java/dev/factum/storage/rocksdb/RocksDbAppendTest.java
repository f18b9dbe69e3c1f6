package dev.factum.storage.rocksdb;

import dev.factum.tck.AppendTck;
import dev.factum.tck.StoreFixture;

class RocksDbAppendTest extends AppendTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
