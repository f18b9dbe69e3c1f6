package dev.factum.tck.memory;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StreamListingTck;

class InMemoryStreamListingTest extends StreamListingTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
