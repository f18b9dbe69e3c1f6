package dev.factum.tck.memory;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.SubscriptionTck;

class InMemorySubscriptionTest extends SubscriptionTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
