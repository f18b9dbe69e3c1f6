package dev.factum.storage.rocksdb;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.ValidationTck;

class RocksDbValidationTest extends ValidationTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
