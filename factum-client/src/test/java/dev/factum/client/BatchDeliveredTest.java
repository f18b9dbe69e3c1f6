package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over HTTP, a listener hears batch ends as it does embedded: after events, before caught-up. */
class BatchDeliveredTest {
  @TempDir Path data;

  @Test
  void batchEndsAreSignalledAfterEventsAndBeforeCaughtUp() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0));
        FactumClient client = FactumClient.connect(server.uri())) {
      for (int i = 0; i < 5; i++) {
        store.append("s-1", ExpectedRevision.any(), List.of(EventData.json("T", "{}")));
      }
      try (Subscription subscription =
          client.subscribe(
              SubscriptionRequest.toAll(),
              new SubscriptionListener() {
                @Override
                public void onEvent(RecordedEvent event) {
                  calls.add("event");
                }

                @Override
                public void onBatchDelivered() {
                  calls.add("batch");
                }

                @Override
                public void onCaughtUp() {
                  calls.add("caught-up");
                }
              })) {
        Await.until("caught up", Duration.ofSeconds(10), () -> calls.contains("caught-up"));
        assertThat(subscription.isClosed()).isFalse();
      }
    }
    int caughtUp = calls.indexOf("caught-up");
    assertThat(calls.subList(0, caughtUp)).filteredOn("event"::equals).hasSize(5);
    assertThat(calls.get(caughtUp - 1)).isEqualTo("batch");
    assertThat(calls.subList(0, caughtUp).stream().distinct()).containsExactly("event", "batch");
  }
}
