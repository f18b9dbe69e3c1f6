package dev.factum.storage.postgres;

import dev.factum.tck.ConcurrencyTck;
import dev.factum.tck.StoreFixture;

class PostgresConcurrencyTest extends ConcurrencyTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
