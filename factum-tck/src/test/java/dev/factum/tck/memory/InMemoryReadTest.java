package dev.factum.tck.memory;

import dev.factum.tck.ReadTck;
import dev.factum.tck.StoreFixture;

class InMemoryReadTest extends ReadTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
