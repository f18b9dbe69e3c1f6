package dev.factum.tck.memory;

import dev.factum.tck.ConsumerGroupTck;
import dev.factum.tck.StoreFixture;

class InMemoryConsumerGroupTest extends ConsumerGroupTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new InMemoryFixture();
  }
}
