package dev.factum.storage.rocksdb;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StreamMetadataTck;

class RocksDbStreamMetadataTest extends StreamMetadataTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new RocksDbFixture();
  }
}
