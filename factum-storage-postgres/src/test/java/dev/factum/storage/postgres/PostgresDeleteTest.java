package dev.factum.storage.postgres;

import dev.factum.tck.DeleteTck;
import dev.factum.tck.StoreFixture;

class PostgresDeleteTest extends DeleteTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
