package dev.factum.storage.rocksdb;

import dev.factum.tck.ImportTck;
import dev.factum.tck.StoreFixture;

class RocksDbImportTest extends ImportTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
