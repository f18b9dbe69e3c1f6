package dev.factum.tck.memory;

import dev.factum.tck.DeletionEventsTck;
import dev.factum.tck.StoreFixture;

class InMemoryDeletionEventsTest extends DeletionEventsTck {
  @Override
  protected StoreFixture createFixture() {
    return new InMemoryFixture();
  }
}
