package dev.factum.storage.postgres;

import dev.factum.tck.AppendTck;
import dev.factum.tck.StoreFixture;

class PostgresAppendTest extends AppendTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
