package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ImportResult;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionRequest;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client sees deletion events as the embedded store does, and copies a store with import. */
class DeletionAndImportClientTest {
  @TempDir Path directory;

  @Test
  void deletionEventsReachAClientAndImportCopiesTheStoreThroughIt() throws Exception {
    List<RecordedEvent> exported;
    try (ServerFixture server = ServerFixture.start(directory.resolve("a"));
        FactumClient client = server.client().build()) {
      List<RecordedEvent> live = new CopyOnWriteArrayList<>();
      try (Subscription orders =
          client.subscribe(SubscriptionRequest.toCategory("order"), live::add)) {
        client.append("order-1", ExpectedRevision.noStream(), List.of(EventData.json("A", "{}")));
        client.delete("order-1", ExpectedRevision.exact(0));
        client.tombstone("order-1", ExpectedRevision.any());
        Await.until("three order events", Duration.ofSeconds(30), () -> live.size() >= 3);
        assertThat(orders).isNotNull();
      }
      assertThat(live.get(1).deletion()).contains(new StreamDeletion("order-1", 1, false));
      assertThat(live.get(2).deletion()).contains(new StreamDeletion("order-1", 1, true));
      assertThat(client.readStream(StreamDeletion.STREAM, 0, Direction.FORWARD, 10).events())
          .hasSize(2);
      exported = client.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events();
    }
    try (ServerFixture server = ServerFixture.start(directory.resolve("b"));
        FactumClient client = server.client().build()) {
      assertThat(client.importEvents(exported)).isEqualTo(new ImportResult(3, 0, 2));
      assertThat(client.importEvents(exported)).isEqualTo(new ImportResult(3, 0, 2));
      assertThat(client.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events())
          .isEqualTo(exported);
      assertThat(client.streamState("order-1").status()).isEqualTo(StreamState.Status.TOMBSTONED);
    }
  }
}
