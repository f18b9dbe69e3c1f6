package dev.factum.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Webhooks on two servers over one PostgreSQL (two stores, as two server processes would open
 * them), both running before the webhook exists, against a real receiver on 127.0.0.1: a webhook
 * created on A is started on B within the follow bound; every event reaches the receiver exactly
 * once and in per-stream order while the group's partitions are shared out between A and B, and no
 * stream ever has two requests under way at once (one server per stream at a time); A stopped, B
 * delivers the rest; A back, a delete on B stops A's runner and nothing appended afterwards reaches
 * the receiver.
 */
class WebhooksAcrossServersTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int STREAMS = 8;

  private HttpServer receiver;
  private final ConcurrentLinkedQueue<JsonNode> accepted = new ConcurrentLinkedQueue<>();
  private final Set<String> inFlight = new HashSet<>();
  private final AtomicInteger overlaps = new AtomicInteger();

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    receiver.createContext("/hook", this::receive);
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  /** Takes every request, noting a stream that arrives while a request holding it is under way. */
  private void receive(HttpExchange exchange) throws IOException {
    JsonNode events = WireJson.mapper().readTree(exchange.getRequestBody().readAllBytes());
    List<String> streams = new ArrayList<>();
    for (JsonNode event : events.get("events")) {
      streams.add(event.path("stream").asText());
    }
    synchronized (inFlight) {
      for (String stream : streams) {
        if (!inFlight.add(stream)) {
          overlaps.incrementAndGet();
        }
      }
    }
    try {
      Thread.sleep(5); // a receiver doing some work: overlapping requests would show
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    events.get("events").forEach(accepted::add);
    synchronized (inFlight) {
      streams.forEach(inFlight::remove);
    }
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aWebhookMadeOnOneServerIsDeliveredOnceByOneServerPerStreamAndFollowsADelete()
      throws Exception {
    LocalPostgres postgres = LocalPostgres.shared();
    PostgresConfig config =
        PostgresConfig.of(
            postgres.createDatabase("factum_webhooks_follow"),
            postgres.user(),
            postgres.password());
    StoreOptions options = StoreOptions.DEFAULT.withGroupLease(LEASE);
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    WebhookDefinition definition =
        WebhookDefinition.of("orders", url, GroupSource.filtered(LogFilter.categories("order")))
            .withMaxBatch(10)
            .withTimeout(Duration.ofSeconds(5));
    try (FactumStore b = PostgresEventStore.open(config, options);
        Webhooks onB = Webhooks.start(b)) {
      long deliveredByA;
      try (FactumStore a = PostgresEventStore.open(config, options);
          Webhooks onA = Webhooks.start(a)) {
        onA.create(definition);
        long created = System.nanoTime();
        Await.until("B runs the webhook made on A", WAIT, () -> onB.running().contains("orders"));
        assertThat(Duration.ofNanos(System.nanoTime() - created))
            .as("followed within the follow interval and a margin")
            .isLessThan(Webhooks.FOLLOW_INTERVAL.multipliedBy(3));

        appendRounds(a, b, 0, 10);
        awaitAccepted(STREAMS * 10);
        Await.until( // each server counts an event once the receiver's answer is back
            "A and B count what they delivered",
            WAIT,
            () ->
                onA.status("orders").delivered() + onB.status("orders").delivered()
                    == STREAMS * 10);
        deliveredByA = onA.status("orders").delivered();
      } // A stops cleanly: its partitions' leases are released with their checkpoints

      appendRounds(b, b, 10, 10);
      awaitAccepted(STREAMS * 20);
      Await.until(
          "B counts the rest",
          WAIT,
          () -> onB.status("orders").delivered() == STREAMS * 20 - deliveredByA);

      try (FactumStore a = PostgresEventStore.open(config, options);
          Webhooks onA = Webhooks.start(a)) {
        assertThat(onA.running()).containsExactly("orders");
        onB.delete("orders");
        Await.until("A stopped its runner", WAIT, () -> onA.running().isEmpty());
        appendRounds(a, b, 20, 5);
        // long enough for a runner that was left to poll and deliver them
        Thread.sleep(Webhooks.FOLLOW_INTERVAL.toMillis() + 500);
        assertThat(onA.running()).isEmpty();
        assertThat(onB.running()).isEmpty();
      }
    }
    assertThat(accepted).hasSize(STREAMS * 20);
    assertThat(overlaps.get()).as("requests of one stream under way at once").isZero();
    Set<String> ids = new HashSet<>();
    Map<String, Long> lastRevision = new HashMap<>();
    for (JsonNode event : accepted) {
      assertThat(ids.add(event.path("id").asText())).as("delivered once: " + event).isTrue();
      String stream = event.path("stream").asText();
      long revision = event.path("revision").asLong();
      Long previous = lastRevision.put(stream, revision);
      assertThat(revision).as(stream).isEqualTo(previous == null ? 0 : previous + 1);
    }
    assertThat(lastRevision)
        .hasSize(STREAMS)
        .allSatisfy((stream, last) -> assertThat(last).isEqualTo(19));
  }

  /** {@code rounds} events per stream, from revision {@code first}, alternating the stores. */
  private static void appendRounds(FactumStore one, FactumStore other, int first, int rounds) {
    for (int round = first; round < first + rounds; round++) {
      for (int s = 0; s < STREAMS; s++) {
        FactumStore store = (round + s) % 2 == 0 ? one : other;
        store.append(
            "order-" + s,
            round == 0 ? ExpectedRevision.noStream() : ExpectedRevision.exact(round - 1),
            List.of(EventData.json("Placed", "{\"n\":" + round + "}")));
      }
    }
  }

  private void awaitAccepted(int count) {
    Await.until(count + " accepted", WAIT, () -> accepted.size() >= count);
  }
}
