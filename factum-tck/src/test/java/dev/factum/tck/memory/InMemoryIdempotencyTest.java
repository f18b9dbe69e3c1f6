package dev.factum.tck.memory;

import dev.factum.tck.IdempotencyTck;
import dev.factum.tck.StoreFixture;

class InMemoryIdempotencyTest extends IdempotencyTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
