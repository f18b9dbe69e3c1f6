package dev.factum.storage.postgres;

import dev.factum.tck.SnapshotTck;
import dev.factum.tck.StoreFixture;

class PostgresSnapshotTest extends SnapshotTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new PostgresFixture();
  }
}
