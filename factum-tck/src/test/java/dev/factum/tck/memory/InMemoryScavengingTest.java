package dev.factum.tck.memory;

import dev.factum.tck.ScavengingTck;
import dev.factum.tck.StoreFixture;

class InMemoryScavengingTest extends ScavengingTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new InMemoryFixture();
  }
}
