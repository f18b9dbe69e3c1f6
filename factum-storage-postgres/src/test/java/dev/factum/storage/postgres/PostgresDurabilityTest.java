package dev.factum.storage.postgres;

import dev.factum.tck.DurabilityTck;
import dev.factum.tck.StoreFixture;

class PostgresDurabilityTest extends DurabilityTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
