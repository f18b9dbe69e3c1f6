package dev.factum.storage.postgres;

import dev.factum.tck.DeletionEventsTck;
import dev.factum.tck.StoreFixture;

class PostgresDeletionEventsTest extends DeletionEventsTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
