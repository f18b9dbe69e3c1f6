package dev.factum.storage.postgres;

import dev.factum.tck.StoreFixture;
import dev.factum.tck.SubscriptionTck;

class PostgresSubscriptionTest extends SubscriptionTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }
}
