package dev.factum.storage.postgres;

import dev.factum.tck.ReadTck;
import dev.factum.tck.StoreFixture;

class PostgresReadTest extends ReadTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
