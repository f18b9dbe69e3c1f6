package dev.factum.tck.memory;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.SystemStreamsTck;

class InMemorySystemStreamsTest extends SystemStreamsTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
