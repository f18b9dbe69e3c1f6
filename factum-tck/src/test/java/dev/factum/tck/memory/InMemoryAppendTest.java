package dev.factum.tck.memory;

import dev.factum.tck.AppendTck;
import dev.factum.tck.StoreFixture;

class InMemoryAppendTest extends AppendTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
