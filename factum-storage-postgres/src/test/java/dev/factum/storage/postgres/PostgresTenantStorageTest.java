package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.engine.TenantStorage;
import dev.factum.tck.Await;
import dev.factum.tck.StoreFixture;
import dev.factum.tck.TenantStorageTck;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostgresTenantStorageTest extends TenantStorageTck {
  @Override
  protected StoreFixture createFixture() {
    return new PostgresFixture();
  }

  @Override
  protected TenantStorage tenantStorage() {
    return PostgresEventStore.tenants(((PostgresFixture) fixture).config());
  }

  /**
   * Each schema has its own commit channel: the notifications of one tenant's commits wake that
   * tenant's stores on other servers and never publish its positions as another tenant's head.
   */
  @Test
  void aTenantsCommitsWakeItsOwnStoresOnlyAndNeverMoveAnothersHead() throws Exception {
    TenantStorage tenants = tenantStorage();
    String busy = "busy-" + UUID.randomUUID().toString().substring(0, 8);
    String quiet = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
    try (FactumStore writer = tenants.create(busy);
        FactumStore otherServer = tenants.open(busy);
        FactumStore idle = tenants.create(quiet)) {
      for (int i = 0; i < 10; i++) {
        writer.append("s-" + i, ExpectedRevision.any(), List.of(EventData.json("T", "{}")));
      }
      Await.until(
          "the other server to learn of the busy tenant's commits",
          Duration.ofSeconds(10),
          () -> otherServer.headPosition() == 9);
      // notifications were delivered: had the quiet tenant's watcher received them, it would
      // have published position 9 as its head
      assertThat(idle.headPosition()).isEqualTo(-1);
      assertThat(store.headPosition()).isEqualTo(-1);
      assertThat(
              idle.append("s-0", ExpectedRevision.any(), List.of(EventData.json("T", "{}")))
                  .lastPosition())
          .isZero();
    } finally {
      tenants.delete(busy);
      tenants.delete(quiet);
    }
  }
}
