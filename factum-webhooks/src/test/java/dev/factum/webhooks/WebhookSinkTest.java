package dev.factum.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks against a real receiver on a real port over a real RocksDB store: a receiver that fails,
 * times out and succeeds at random, and one stream whose events it always refuses. Every other
 * event arrives, in per-stream order, with a valid signature; the refused events are parked while
 * the other streams (and the rest of their own stream) flow; a replayed parked event arrives once
 * the receiver takes it; a paused webhook stays paused across a restart.
 */
class WebhookSinkTest {
  @TempDir Path temp;

  private HttpServer receiver;
  private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<JsonNode> accepted = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean refusePoison = new AtomicBoolean(true);
  private final CountDownLatch never = new CountDownLatch(1);
  private final Random random = new Random(42);

  /** One request as it arrived. */
  private record Request(byte[] body, String signature, long receivedAt) {}

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    receiver.createContext("/hook", this::receive);
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    never.countDown();
    receiver.stop(0);
  }

  private void receive(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    requests.add(
        new Request(
            body,
            exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
            Instant.now().getEpochSecond()));
    JsonNode events = WireJson.mapper().readTree(body).get("events");
    boolean poison = false;
    for (JsonNode event : events) {
      poison |= event.path("data").path("poison").asBoolean(false);
    }
    int roll;
    synchronized (random) {
      roll = random.nextInt(100);
    }
    int status;
    if (poison && refusePoison.get()) {
      status = 500;
    } else if (roll < 20) {
      status = 503;
    } else if (roll < 28) {
      try {
        // Slower than the webhook's timeout: the sender gives up; the answer never counts.
        var unused = never.await(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      status = 503;
    } else {
      status = 204;
      events.forEach(accepted::add);
    }
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
  }

  private static WebhookDefinition definition(String name, URI url) {
    return WebhookDefinition.of(name, url, GroupSource.filtered(LogFilter.categories("order")))
        .withTimeout(Duration.ofMillis(400))
        // Enough retries that random failures (28% of requests) never park a good event.
        .withRetries(12, Duration.ofMillis(10))
        .withMaxBatch(20);
  }

  private static String json(int stream, int n, boolean poison) {
    return "{\"stream\":" + stream + ",\"n\":" + n + (poison ? ",\"poison\":true" : "") + "}";
  }

  @Test
  void everyEventInStreamOrderSignedAndAFailingStreamParkedWithoutBlockingTheRest()
      throws Exception {
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"));
        Webhooks webhooks = Webhooks.start(store)) {
      Webhooks.Created created = webhooks.create(definition("orders", hook()));
      assertThat(created.secret()).startsWith("whsec_").hasSize(6 + 64);

      Set<String> poisoned = new HashSet<>();
      List<Long> poisonPositions = new ArrayList<>();
      long last = -1;
      for (int n = 0; n < 8; n++) {
        for (int s = 0; s < 12; s++) {
          boolean poison = s == 5 && (n == 1 || n == 4);
          long position =
              store
                  .append(
                      "order-" + s,
                      ExpectedRevision.any(),
                      List.of(EventData.json("OrderChanged", json(s, n, poison))))
                  .lastPosition();
          last = Math.max(last, position);
          if (poison) {
            poisoned.add("order-5/" + n);
            poisonPositions.add(position);
          }
        }
      }
      store.append("invoice-1", ExpectedRevision.any(), List.of(EventData.json("Other", "{}")));
      String group = WebhookDefinition.GROUP_PREFIX + "orders";
      assertThat(store.consumerGroups().awaitProcessed(group, last, Duration.ofSeconds(60)))
          .isTrue();

      // Every event but the poisoned ones arrived, and per stream never an earlier one after a
      // later one (a redelivery may repeat an event, never go back past it).
      Map<String, Long> highest = new HashMap<>();
      Set<String> seen = new HashSet<>();
      for (JsonNode event : accepted) {
        String stream = event.get("stream").asText();
        long revision = event.get("revision").asLong();
        assertThat(revision).as(stream).isGreaterThanOrEqualTo(highest.getOrDefault(stream, -1L));
        highest.put(stream, revision);
        seen.add(stream + "/" + event.path("data").path("n").asInt());
        assertThat(event.get("type").asText()).isEqualTo("OrderChanged");
      }
      Set<String> expected = new HashSet<>();
      for (int n = 0; n < 8; n++) {
        for (int s = 0; s < 12; s++) {
          expected.add("order-" + s + "/" + n);
        }
      }
      expected.removeAll(poisoned);
      assertThat(seen).isEqualTo(expected);

      // The refused events are parked with their reason; the rest of their stream went on.
      List<ParkedEvent> parked = store.consumerGroups().parked(group);
      assertThat(parked)
          .extracting(ParkedEvent::position)
          .containsExactlyElementsOf(poisonPositions);
      assertThat(parked).allSatisfy(p -> assertThat(p.reason()).contains("HTTP 500"));
      assertThat(seen).contains("order-5/7");

      // Every request carried a valid signature over exactly its body.
      byte[] secret = created.secret().getBytes(StandardCharsets.US_ASCII);
      assertThat(requests).isNotEmpty();
      for (Request request : requests) {
        assertThat(
                WebhookSignature.verify(
                    secret, request.signature(), request.body(), request.receivedAt(), 300))
            .isTrue();
      }
      Request one = requests.peek();
      byte[] tampered = one.body().clone();
      tampered[tampered.length - 2] ^= 1;
      assertThat(WebhookSignature.verify(secret, one.signature(), tampered, one.receivedAt(), 300))
          .isFalse();
      assertThat(
              WebhookSignature.verify(
                  "whsec_other".getBytes(StandardCharsets.US_ASCII),
                  one.signature(),
                  one.body(),
                  one.receivedAt(),
                  300))
          .isFalse();
      assertThat(
              WebhookSignature.verify(
                  secret, one.signature(), one.body(), one.receivedAt() + 3600, 300))
          .isFalse();

      // Once the receiver takes them, a replayed parked event arrives.
      refusePoison.set(false);
      store.consumerGroups().replayParked(group, poisonPositions.getFirst());
      Await.until(
          "the replayed event arrives",
          Duration.ofSeconds(30),
          () ->
              accepted.stream()
                  .anyMatch(
                      e ->
                          e.get("stream").asText().equals("order-5")
                              && e.path("data").path("n").asInt() == 1));
      assertThat(webhooks.status("orders").delivered()).isGreaterThanOrEqualTo(expected.size());
      assertThat(webhooks.status("orders").failedRequests()).isPositive();
    }
  }

  /**
   * Crypto-shredding reaches receivers: events of a subject forgotten before delivery arrive
   * redacted (subject, id and type kept, no data, no metadata); another subject's, and the
   * forgotten subject's new ones (a new key), arrive decrypted; no request carries the plaintext.
   */
  @Test
  void aForgottenSubjectsEventsAreDeliveredRedacted() throws Exception {
    StoreOptions options = StoreOptions.DEFAULT.withMasterKey(MasterKey.generate());
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("store"), options);
        Webhooks webhooks = Webhooks.start(store)) {
      store.append(
          "order-1",
          ExpectedRevision.any(),
          List.of(
              EventData.json("Placed", "{\"name\":\"Alice Secret\"}")
                  .withMetadata("{\"ip\":\"1.2.3.4\"}".getBytes(StandardCharsets.UTF_8))
                  .withSubject("alice"),
              EventData.json("Placed", "{\"name\":\"Bob\"}").withSubject("bob")));
      store.forget("alice");
      long last =
          store
              .append(
                  "order-1",
                  ExpectedRevision.any(),
                  List.of(
                      EventData.json("Placed", "{\"name\":\"Alice Again\"}").withSubject("alice")))
              .lastPosition();
      webhooks.create(definition("orders", hook()));
      assertThat(
              store
                  .consumerGroups()
                  .awaitProcessed(
                      WebhookDefinition.GROUP_PREFIX + "orders", last, Duration.ofSeconds(30)))
          .isTrue();
      Map<Long, JsonNode> byPosition = new HashMap<>();
      accepted.forEach(event -> byPosition.put(event.get("position").asLong(), event));
      JsonNode forgotten = byPosition.get(0L);
      assertThat(forgotten.get("redacted").asBoolean()).isTrue();
      assertThat(forgotten.get("subject").asText()).isEqualTo("alice");
      assertThat(forgotten.get("data").toString()).isEqualTo("{\"redacted\":true}");
      assertThat(forgotten.has("metadata")).isFalse();
      assertThat(byPosition.get(1L).get("data").get("name").asText()).isEqualTo("Bob");
      assertThat(byPosition.get(2L).get("data").get("name").asText()).isEqualTo("Alice Again");
      assertThat(byPosition.get(2L).has("redacted")).isFalse();
      assertThat(requests)
          .allSatisfy(
              request ->
                  assertThat(new String(request.body(), StandardCharsets.UTF_8))
                      .doesNotContain("Alice Secret", "1.2.3.4"));
    }
  }

  @Test
  void pausedStaysPausedAcrossARestartAndResumeDelivers() throws Exception {
    Path data = temp.resolve("store");
    try (FactumStore store = RocksDbEventStore.open(data);
        Webhooks webhooks = Webhooks.start(store)) {
      webhooks.create(definition("orders", hook()).withPaused(true));
      assertThatThrownBy(() -> webhooks.create(definition("orders", hook())))
          .hasMessageContaining("exists");
      assertThatThrownBy(() -> webhooks.status("nope"))
          .isInstanceOf(InvalidArgumentException.class);
    }
    try (FactumStore store = RocksDbEventStore.open(data);
        Webhooks webhooks = Webhooks.start(store)) {
      assertThat(webhooks.status("orders").definition().paused()).isTrue();
      assertThat(webhooks.status("orders").definition().maxBatch()).isEqualTo(20);
      assertThat(webhooks.status("orders").definition().maxRetries()).isEqualTo(12);
      long position =
          store
              .append(
                  "order-1",
                  ExpectedRevision.any(),
                  List.of(EventData.json("A", json(1, 0, false))))
              .lastPosition();
      assertThat(requests).isEmpty();
      webhooks.resume("orders");
      assertThat(
              store
                  .consumerGroups()
                  .awaitProcessed(
                      WebhookDefinition.GROUP_PREFIX + "orders", position, Duration.ofSeconds(30)))
          .isTrue();
      assertThat(accepted).extracting(e -> e.get("stream").asText()).contains("order-1");
      webhooks.delete("orders");
      assertThat(webhooks.list()).isEmpty();
      assertThat(store.consumerGroups().list()).isEmpty();
    }
  }

  @Test
  void badDefinitionsAreRefused() {
    assertThatThrownBy(() -> definition("Bad Name", hook()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> definition("ok", URI.create("ftp://127.0.0.1/x")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> definition("ok", hook()).withMaxBatch(0))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> definition("ok", hook()).withTimeout(Duration.ofMillis(5)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
