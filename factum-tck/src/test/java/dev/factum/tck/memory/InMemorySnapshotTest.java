package dev.factum.tck.memory;

import dev.factum.tck.SnapshotTck;
import dev.factum.tck.StoreFixture;

class InMemorySnapshotTest extends SnapshotTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new InMemoryFixture();
  }
}
