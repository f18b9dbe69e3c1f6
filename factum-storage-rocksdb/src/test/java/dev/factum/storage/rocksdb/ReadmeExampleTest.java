package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded example of README.md, kept compiling and passing. Change both together. */
class ReadmeExampleTest {
  @TempDir Path dataDir;

  @Test
  void theReadmeExampleWorks() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    // --- README example starts ---
    try (EventStore store = RocksDbEventStore.open(dataDir)) {
      // Append to a new stream: expect that it does not exist yet.
      AppendResult placed =
          store.append(
              "order-123",
              ExpectedRevision.noStream(),
              List.of(EventData.json("OrderPlaced", "{\"total\": 42}")));

      // Append again, expecting the revision we know: optimistic concurrency.
      store.append(
          "order-123",
          ExpectedRevision.exact(placed.nextExpectedRevision()),
          List.of(EventData.json("OrderPaid", "{\"amount\": 42}")));

      // A writer with a stale revision gets a conflict, with the real revision.
      try {
        store.append(
            "order-123",
            ExpectedRevision.exact(0),
            List.of(EventData.json("OrderCancelled", "{}")));
      } catch (WrongExpectedRevisionException conflict) {
        System.out.println("conflict: stream is at " + conflict.actualRevision());
      }

      // Load the entity: read its stream.
      for (RecordedEvent event :
          store.readStream("order-123", 0, Direction.FORWARD, 100).events()) {
        System.out.println(event.revision() + " " + event.type() + " " + event.dataAsString());
      }

      // Feed the rest of the system: follow every order, from the start, then live.
      try (Subscription orders =
          store.subscribe(
              SubscriptionRequest.toCategory("order"),
              event -> seen.add(event.position() + " " + event.type()))) {
        store.append(
            "order-456", ExpectedRevision.any(), List.of(EventData.json("OrderPlaced", "{}")));
        // ... runs until closed
        // --- README example ends ---
        Await.until("three events", Duration.ofSeconds(10), () -> seen.size() == 3);
        assertThat(orders.isClosed()).isFalse();
      }
    }
    assertThat(seen).containsExactly("0 OrderPlaced", "1 OrderPaid", "2 OrderPlaced");
  }
}
