package dev.factum.storage.rocksdb;

import dev.factum.tck.IdempotencyTck;
import dev.factum.tck.StoreFixture;

class RocksDbIdempotencyTest extends IdempotencyTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
