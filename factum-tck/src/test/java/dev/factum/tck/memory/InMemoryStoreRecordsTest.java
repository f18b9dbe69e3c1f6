package dev.factum.tck.memory;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StoreRecordsTck;

class InMemoryStoreRecordsTest extends StoreRecordsTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new InMemoryFixture();
  }
}
