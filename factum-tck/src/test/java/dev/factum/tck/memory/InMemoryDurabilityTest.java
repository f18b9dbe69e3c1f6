package dev.factum.tck.memory;

import dev.factum.tck.DurabilityTck;
import dev.factum.tck.StoreFixture;

class InMemoryDurabilityTest extends DurabilityTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
