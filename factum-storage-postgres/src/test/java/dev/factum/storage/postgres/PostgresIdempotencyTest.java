package dev.factum.storage.postgres;

import dev.factum.tck.IdempotencyTck;
import dev.factum.tck.StoreFixture;

class PostgresIdempotencyTest extends IdempotencyTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
