package dev.factum.storage.rocksdb;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.SubscriptionTck;

class RocksDbSubscriptionTest extends SubscriptionTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
