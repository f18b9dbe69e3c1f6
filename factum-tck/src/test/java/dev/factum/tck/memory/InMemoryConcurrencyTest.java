package dev.factum.tck.memory;

import dev.factum.tck.ConcurrencyTck;
import dev.factum.tck.StoreFixture;

class InMemoryConcurrencyTest extends ConcurrencyTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
