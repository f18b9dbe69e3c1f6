package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.client.FactumClient;
import dev.factum.client.RetryPolicy;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.tck.Await;
import dev.factum.tck.Concurrently;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real server processes over one PostgreSQL database, under concurrent load through both: each
 * server's global log is gapless and holds every acknowledged append where it was acknowledged, and
 * a subscriber on server B receives every event written through server A (and B), in order, exactly
 * once.
 */
class PostgresServersTest {
  @TempDir Path temp;

  private static final int WRITERS = 8;
  private static final int APPENDS_PER_WRITER = 60;

  @Test
  void twoServersShareOneGaplessCommitOrderedLog() throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = postgres.createDatabase("factum_two_servers");
    String[] storage = {"--storage", "postgres", "--pg-url", url, "--pg-user", postgres.user()};
    try (ServerProcess a = start("a", storage);
        ServerProcess b = start("b", storage);
        FactumClient clientA = FactumClient.connect(a.uri);
        FactumClient clientB = FactumClient.connect(b.uri)) {
      List<RecordedEvent> seenOnB = new CopyOnWriteArrayList<>();
      Subscription subscription =
          clientB.subscribe(
              SubscriptionRequest.toAll(),
              new SubscriptionListener() {
                @Override
                public void onEvent(RecordedEvent event) {
                  seenOnB.add(event);
                }
              });
      Map<UUID, Acked> acked = new ConcurrentHashMap<>();
      try {
        Concurrently.run(
            WRITERS,
            writer -> {
              FactumClient via = writer % 2 == 0 ? clientA : clientB;
              String own = "own" + writer + "-1";
              for (int i = 0; i < APPENDS_PER_WRITER; i++) {
                EventData mine =
                    EventData.json("Wrote", "{\"w\":" + writer + ",\"i\":" + i + "}")
                        .withId(UUID.randomUUID());
                if (i % 3 == 0) {
                  // Atomic across two streams, one private (exact revision) and one shared.
                  EventData shared =
                      EventData.json("Shared", "{\"w\":" + writer + "}").withId(UUID.randomUUID());
                  MultiAppendResult result =
                      via.appendAll(
                          List.of(
                              AppendRequest.of(own, expected(i), mine),
                              AppendRequest.of("hot-1", ExpectedRevision.any(), shared)));
                  record(acked, mine, result.results().get(0), writer);
                  record(acked, shared, result.results().get(1), writer);
                } else {
                  record(acked, mine, via.append(AppendRequest.of(own, expected(i), mine)), writer);
                }
              }
            });

        int total = acked.size();
        for (FactumClient client : List.of(clientA, clientB)) {
          List<RecordedEvent> log = readWholeLog(client);
          assertThat(log).hasSize(total);
          for (int p = 0; p < log.size(); p++) {
            assertThat(log.get(p).position()).as("dense positions").isEqualTo(p);
            Acked ack = acked.get(log.get(p).id());
            assertThat(ack).as("only acknowledged events are present").isNotNull();
            assertThat(log.get(p).position()).isEqualTo(ack.position());
            assertThat(log.get(p).stream()).isEqualTo(ack.stream());
            assertThat(log.get(p).revision()).isEqualTo(ack.revision());
          }
        }

        Await.until(
            "the subscriber on B has every event",
            Duration.ofSeconds(30),
            () -> seenOnB.size() >= total);
        // A marker written through A after everything else reaches B after anything a duplicate
        // could be: once it arrives, what came before it is all there is to judge.
        long marker =
            clientA
                .append(
                    AppendRequest.of(
                        "marker", ExpectedRevision.noStream(), EventData.json("Marker", "{}")))
                .lastPosition();
        assertThat(marker).isEqualTo(total);
        Await.until(
            "the subscriber on B has the marker",
            Duration.ofSeconds(30),
            () -> seenOnB.size() > total);
        assertThat(seenOnB).hasSize(total + 1);
        assertThat(seenOnB.getLast().position()).isEqualTo(marker);
        seenOnB.removeLast();
        for (int p = 0; p < total; p++) {
          assertThat(seenOnB.get(p).position()).as("in order, exactly once").isEqualTo(p);
        }
        long writtenThroughA = acked.values().stream().filter(ack -> ack.writer() % 2 == 0).count();
        assertThat(seenOnB.stream().filter(e -> acked.get(e.id()).writer() % 2 == 0).count())
            .isEqualTo(writtenThroughA);

        // Optimistic concurrency holds across the two servers.
        long head = clientA.streamState("hot-1").lastRevision();
        clientA.append(
            AppendRequest.of("hot-1", ExpectedRevision.exact(head), EventData.json("X", "{}")));
        Assertions.assertThatThrownBy(
                () ->
                    clientB.append(
                        AppendRequest.of(
                            "hot-1", ExpectedRevision.exact(head), EventData.json("X", "{}"))))
            .isInstanceOf(WrongExpectedRevisionException.class);
      } finally {
        subscription.close();
      }
    }
  }

  @Test
  void aClientAppendRidesThroughADatabaseCrashAndIsWrittenOnce() throws Exception {
    try (LocalPostgres postgres = LocalPostgres.startPrivate()) {
      String url = postgres.createDatabase("factum_db_crash");
      String[] storage = {"--storage", "postgres", "--pg-url", url, "--pg-user", postgres.user()};
      AtomicInteger retries = new AtomicInteger();
      try (ServerProcess server = start("crash", storage);
          FactumClient client =
              FactumClient.builder(server.uri)
                  .retryPolicy(new RetryPolicy(60, Duration.ofMillis(100), Duration.ofMillis(500)))
                  .retryListener((operation, attempt, failure, pause) -> retries.incrementAndGet())
                  .build()) {
        client.append(
            AppendRequest.of("order-1", ExpectedRevision.noStream(), EventData.json("A", "{}")));
        postgres.kill();
        CompletableFuture<AppendResult> during =
            client.appendAsync(
                AppendRequest.of("order-1", ExpectedRevision.exact(0), EventData.json("B", "{}")));
        // The server answers storage-failure meanwhile, and the client retries.
        Await.until("the client retried twice", Duration.ofSeconds(30), () -> retries.get() >= 2);
        assertThat(during).isNotDone();
        assertThat(server.get("/health/ready").status()).isEqualTo(503);
        postgres.restart();

        AppendResult result = during.get(60, TimeUnit.SECONDS);
        assertThat(result.firstRevision()).isEqualTo(1);
        List<RecordedEvent> stream =
            client.readStream("order-1", 0, Direction.FORWARD, 10).events();
        assertThat(stream).extracting(RecordedEvent::type).containsExactly("A", "B");
        assertThat(server.get("/health/ready").status()).isEqualTo(200);
      }
    }
  }

  private ServerProcess start(String name, String[] storage) throws Exception {
    List<String> args = new ArrayList<>(List.of(storage));
    args.addAll(List.of("--port", "0"));
    return ServerProcess.start(temp.resolve(name + ".log"), args.toArray(String[]::new));
  }

  private static ExpectedRevision expected(int append) {
    return append == 0 ? ExpectedRevision.noStream() : ExpectedRevision.exact(append - 1);
  }

  record Acked(String stream, long revision, long position, int writer) {}

  private static void record(Map<UUID, Acked> acked, EventData event, AppendResult result, int w) {
    acked.put(
        event.id(), new Acked(result.stream(), result.firstRevision(), result.firstPosition(), w));
  }

  private static List<RecordedEvent> readWholeLog(FactumClient client) {
    List<RecordedEvent> all = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = client.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
      all.addAll(page.events());
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }
}
