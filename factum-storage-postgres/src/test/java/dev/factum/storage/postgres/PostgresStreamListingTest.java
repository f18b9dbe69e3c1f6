package dev.factum.storage.postgres;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.StreamListingTck;

class PostgresStreamListingTest extends StreamListingTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
