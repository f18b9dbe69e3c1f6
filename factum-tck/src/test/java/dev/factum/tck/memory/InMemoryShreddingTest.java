package dev.factum.tck.memory;

import dev.factum.tck.ShreddingTck;
import dev.factum.tck.StoreFixture;

class InMemoryShreddingTest extends ShreddingTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new InMemoryFixture();
  }
}
