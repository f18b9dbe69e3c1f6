package dev.factum.storage.postgres;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.ValidationTck;

class PostgresValidationTest extends ValidationTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
