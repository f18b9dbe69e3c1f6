package dev.factum.storage.postgres;

import dev.factum.tck.ProjectionTck;
import dev.factum.tck.StoreFixture;

class PostgresProjectionTest extends ProjectionTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
