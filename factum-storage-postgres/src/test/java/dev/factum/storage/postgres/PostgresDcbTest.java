package dev.factum.storage.postgres;

import dev.factum.tck.DcbTck;
import dev.factum.tck.StoreFixture;

class PostgresDcbTest extends DcbTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
