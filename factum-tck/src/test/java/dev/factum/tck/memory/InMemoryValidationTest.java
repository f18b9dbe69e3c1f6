package dev.factum.tck.memory;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.ValidationTck;

class InMemoryValidationTest extends ValidationTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
