package dev.factum.storage.postgres;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.SystemStreamsTck;

class PostgresSystemStreamsTest extends SystemStreamsTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
