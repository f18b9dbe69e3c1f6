package dev.factum.tck.memory;

import dev.factum.tck.DeleteTck;
import dev.factum.tck.StoreFixture;

class InMemoryDeleteTest extends DeleteTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
