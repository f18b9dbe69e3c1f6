package dev.factum.storage.postgres;

import dev.factum.tck.ScavengingTck;
import dev.factum.tck.StoreFixture;

class PostgresScavengingTest extends ScavengingTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new PostgresFixture();
  }
}
