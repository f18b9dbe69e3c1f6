package dev.factum.storage.rocksdb;

import dev.factum.tck.ConsumerGroupTck;
import dev.factum.tck.StoreFixture;

class RocksDbConsumerGroupTest extends ConsumerGroupTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
