package dev.factum.storage.rocksdb;

import dev.factum.tck.ProjectionTck;
import dev.factum.tck.StoreFixture;

class RocksDbProjectionTest extends ProjectionTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
