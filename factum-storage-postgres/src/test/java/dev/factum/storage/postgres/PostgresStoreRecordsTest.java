package dev.factum.storage.postgres;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StoreRecordsTck;

class PostgresStoreRecordsTest extends StoreRecordsTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new PostgresFixture();
  }
}
