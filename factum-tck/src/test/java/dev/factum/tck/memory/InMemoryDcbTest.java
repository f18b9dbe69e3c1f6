package dev.factum.tck.memory;

import dev.factum.tck.DcbTck;
import dev.factum.tck.StoreFixture;

class InMemoryDcbTest extends DcbTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
