package dev.factum.storage.postgres;

import dev.factum.tck.ConsumerGroupTck;
import dev.factum.tck.StoreFixture;

class PostgresConsumerGroupTest extends ConsumerGroupTck {
  @Override
  protected StoreFixture createFixture() throws Exception {
    return new PostgresFixture();
  }
}
