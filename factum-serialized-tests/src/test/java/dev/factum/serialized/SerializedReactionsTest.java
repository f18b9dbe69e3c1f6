package dev.factum.serialized;

import static io.serialized.client.aggregate.AggregateRequest.appendRequest;
import static io.serialized.client.aggregate.AggregateRequest.saveRequest;
import static io.serialized.client.reaction.ReactionDefinition.newReactionDefinition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.factum.tck.Await;
import io.serialized.client.ApiException;
import io.serialized.client.aggregate.AggregateClient;
import io.serialized.client.aggregate.Event;
import io.serialized.client.reaction.Actions;
import io.serialized.client.reaction.DeleteReactionRequest;
import io.serialized.client.reaction.ExecuteReactionRequest;
import io.serialized.client.reaction.ListReactionsRequest;
import io.serialized.client.reaction.Reaction;
import io.serialized.client.reaction.ReactionClient;
import io.serialized.client.reaction.ReactionDefinition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serialized reactions through the official client against a real server (RocksDB), POSTing to a
 * real receiver (the JDK's HTTP server on 127.0.0.1): immediate, delayed, cancelled, listed by
 * status, executed by hand, deleted, retried after failures, and carried across a restart.
 */
class SerializedReactionsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path directory;
  FactumUnderTest factum;
  HttpServer receiver;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final AtomicInteger failuresLeft = new AtomicInteger();

  /** One request the receiver got. */
  record Received(long at, JsonNode body, String signature, String header, byte[] raw) {}

  /** No state needed. */
  public static final class Nothing {}

  @BeforeEach
  void start() throws Exception {
    factum = FactumUnderTest.open(directory);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
          received.add(
              new Received(
                  System.currentTimeMillis(),
                  FactumUnderTest.JSON.readTree(body),
                  exchange.getRequestHeaders().getFirst("Serialized-Signature"),
                  exchange.getRequestHeaders().getFirst("X-Test"),
                  body));
          exchange.sendResponseHeaders(fail ? 500 : 200, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    factum.close();
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
  }

  private ReactionClient reactions() {
    return ReactionClient.reactionClient(factum.config()).build();
  }

  private AggregateClient<Nothing> orders() {
    return AggregateClient.aggregateClient("order", Nothing.class, factum.config()).build();
  }

  /** Saves one event of {@code type} as a new aggregate's first batch; returns the event id. */
  private UUID place(UUID order, String type, Map<String, Object> data) {
    Event<?> event = Event.newEvent(type).data(data).build();
    orders().save(saveRequest().withAggregateId(order).withEvent(event).build());
    return event.eventId();
  }

  private void pay(UUID order) {
    orders()
        .save(
            appendRequest(1)
                .withAggregateId(order)
                .withEvent(Event.newEvent("OrderPaid").build())
                .build());
  }

  private List<Reaction> listed(Reaction.Status status) {
    return reactions()
        .listReactions(new ListReactionsRequest.Builder().withStatus(status).build())
        .reactions();
  }

  private List<Received> of(UUID eventId) {
    return received.stream()
        .filter(r -> r.body().path("event").path("eventId").asText().equals(eventId.toString()))
        .toList();
  }

  private ReactionDefinition definition(String name, String offset, String... cancelOn) {
    ReactionDefinition.DefinitionBuilder builder =
        newReactionDefinition(name)
            .feed("order")
            .reactOnEventType("OrderPlaced")
            .cancelOnEventType(cancelOn)
            .action(
                Actions.httpAction(hook()).addHeader("X-Test", "yes").signingSecret("s3").build());
    if (offset != null) {
      builder.offset(offset);
    }
    return builder.build();
  }

  private static String hmac(String key, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void aReactionPostsTheEventToTheReceiverAsSerializedDoes() throws Exception {
    ReactionClient client = reactions();
    client.createDefinition(definition("notify", null));
    assertThat(client.getDefinition("notify").reactOnEventType()).isEqualTo("OrderPlaced");
    assertThat(client.listDefinitions().definitions())
        .extracting(ReactionDefinition::reactionName)
        .containsExactly("notify");

    UUID order = UUID.randomUUID();
    UUID eventId = place(order, "OrderPlaced", Map.of("amount", 42));
    place(UUID.randomUUID(), "OrderShipped", Map.of()); // another type: no reaction

    Await.until("the reaction arrives", WAIT, () -> !of(eventId).isEmpty());
    Received got = of(eventId).getFirst();
    assertThat(got.body().path("event").path("eventType").asText()).isEqualTo("OrderPlaced");
    assertThat(got.body().path("event").path("data").path("amount").asInt()).isEqualTo(42);
    assertThat(got.body().path("metadata").path("aggregateId").asText())
        .isEqualTo(order.toString());
    assertThat(got.body().path("metadata").path("sequenceNumber").asLong()).isPositive();
    assertThat(got.header()).isEqualTo("yes");
    assertThat(got.signature()).isEqualTo(hmac("s3", got.raw()));

    Await.until("listed as completed", WAIT, () -> listed(Reaction.Status.COMPLETED).size() == 1);
    Reaction done = listed(Reaction.Status.COMPLETED).getFirst();
    assertThat(done.eventId()).isEqualTo(eventId);
    assertThat(done.aggregateId()).isEqualTo(order);
    assertThat(done.reactionName()).isEqualTo("notify");
    assertThat(done.finishedAt()).isNotNull();
    assertThat(received).hasSize(1);

    client.deleteDefinition("notify");
    assertThat(client.listDefinitions().definitions()).isEmpty();
    assertThat(listed(Reaction.Status.COMPLETED)).isEmpty();
    assertThatThrownBy(() -> client.getDefinition("notify"))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void aDelayedReactionFiresAfterItsOffsetAndACancelledOneNever() {
    reactions().createDefinition(definition("remind", "PT1S", "OrderPaid"));
    UUID kept = UUID.randomUUID();
    UUID cancelled = UUID.randomUUID();
    long placedAt = System.currentTimeMillis();
    UUID keptEvent = place(kept, "OrderPlaced", Map.of());
    UUID cancelledEvent = place(cancelled, "OrderPlaced", Map.of());
    pay(cancelled);
    UUID later = UUID.randomUUID();
    UUID laterEvent = place(later, "OrderPlaced", Map.of());

    Await.until("canceled", WAIT, () -> listed(Reaction.Status.CANCELED).size() == 1);
    assertThat(listed(Reaction.Status.CANCELED).getFirst().eventId()).isEqualTo(cancelledEvent);

    Await.until("the later reaction arrives", WAIT, () -> !of(laterEvent).isEmpty());
    assertThat(of(keptEvent)).hasSize(1);
    assertThat(of(keptEvent).getFirst().at() - placedAt).isGreaterThanOrEqualTo(1_000);
    assertThat(of(cancelledEvent)).isEmpty(); // its trigger time came before the later one's
    assertThat(listed(Reaction.Status.CANCELED).getFirst().status())
        .isEqualTo(Reaction.Status.CANCELED);
  }

  @Test
  void scheduledReactionsAreListedExecutedByHandAndDeleted() {
    ReactionClient client = reactions();
    client.createOrUpdate(definition("later", "PT1H"));
    UUID first = place(UUID.randomUUID(), "OrderPlaced", Map.of());
    UUID second = place(UUID.randomUUID(), "OrderPlaced", Map.of());
    Await.until("scheduled", WAIT, () -> listed(Reaction.Status.SCHEDULED).size() == 2);
    assertThat(listed(Reaction.Status.READY)).isEmpty();
    Map<UUID, UUID> reactionOf = new ConcurrentHashMap<>();
    listed(Reaction.Status.SCHEDULED).forEach(r -> reactionOf.put(r.eventId(), r.reactionId()));

    client.executeReaction(
        new ExecuteReactionRequest.Builder().withReactionId(reactionOf.get(first)).build());
    Await.until("executed by hand", WAIT, () -> !of(first).isEmpty());
    Await.until("completed", WAIT, () -> listed(Reaction.Status.COMPLETED).size() == 1);

    client.deleteReaction(
        new DeleteReactionRequest.Builder().withReactionId(reactionOf.get(second)).build());
    assertThat(listed(Reaction.Status.SCHEDULED)).isEmpty();
    assertThat(reactions().listReactions(new ListReactionsRequest.Builder().build()).reactions())
        .extracting(Reaction::eventId)
        .containsExactly(first);
    assertThat(of(second)).isEmpty();
    assertThatThrownBy(
            () ->
                client.deleteReaction(
                    new DeleteReactionRequest.Builder()
                        .withReactionId(reactionOf.get(second))
                        .build()))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
  }

  @Test
  void aDeliveryIsRetriedAfterTheReceiverFailsThenSucceeds() {
    failuresLeft.set(2);
    reactions().createDefinition(definition("retry", null));
    UUID eventId = place(UUID.randomUUID(), "OrderPlaced", Map.of());
    Await.until(
        "completed after retries", WAIT, () -> listed(Reaction.Status.COMPLETED).size() == 1);
    assertThat(of(eventId)).hasSize(3); // two 500s, then a 200
  }

  @Test
  void aScheduledReactionSurvivesARestart() throws IOException {
    reactions().createDefinition(definition("durable", "PT2S"));
    UUID eventId = place(UUID.randomUUID(), "OrderPlaced", Map.of());
    Await.until("scheduled", WAIT, () -> listed(Reaction.Status.SCHEDULED).size() == 1);
    factum.close();
    assertThat(of(eventId)).isEmpty();

    factum = FactumUnderTest.open(directory);
    assertThat(reactions().listDefinitions().definitions()).hasSize(1);
    Await.until("fired after the restart", WAIT, () -> !of(eventId).isEmpty());
    Await.until("completed", WAIT, () -> listed(Reaction.Status.COMPLETED).size() == 1);
    // an event after the restart is still reacted on (the group kept its place)
    UUID after = place(UUID.randomUUID(), "OrderPlaced", Map.of());
    Await.until("the next one too", WAIT, () -> !of(after).isEmpty());
    assertThat(of(eventId)).hasSize(1);
  }

  @Test
  void badReactionInputIsRefusedAndWritesNothing() throws Exception {
    String valid =
        "{\"reactionName\":\"x\",\"feedName\":\"order\",\"reactOnEventType\":\"A\","
            + "\"action\":{\"actionType\":\"HTTP_POST\",\"targetUri\":\""
            + hook()
            + "\"}}";
    assertThat(factum.send("POST", "/serialized/reactions/definitions", valid, null).statusCode())
        .isEqualTo(200);
    long head = factum.store.headPosition();
    String before = factum.send("GET", "/serialized/reactions/definitions", null, null).body();
    List<String> bad =
        List.of(
            "",
            "[]",
            "{\"reactionName\":\"y\"}",
            valid.replace("\"x\"", "\"bad name\""),
            valid.replace("\"x\"", "\"y\"").replace("order", "or-der"),
            valid.replace("\"x\"", "\"y\"").replace("HTTP_POST", "SLACK_POST"),
            valid.replace("\"x\"", "\"y\"").replace("HTTP_POST", "FTP"),
            valid.replace("\"x\"", "\"y\"").replace(hook().toString(), "ftp://example/x"),
            valid.replace("\"x\"", "\"y\"").replace(hook().toString(), "not a uri"),
            valid.replace("\"x\"", "\"y\"").replace("}}", "},\"offset\":\"soon\"}"),
            valid.replace("\"x\"", "\"y\"").replace("}}", "},\"offset\":\"-PT1S\"}"),
            valid.replace("\"x\"", "\"y\"").replace("}}", "},\"colour\":\"red\"}"),
            valid.replace("\"x\"", "\"y\"").replace("}}", "},\"cancelOnEventTypes\":\"A\"}"),
            valid.replace("\"x\"", "\"y\"").replace("}}", ",\"httpHeaders\":{\"X\":1}}}"),
            valid.replace("\"x\"", "\"y\"").replace("}}", ",\"httpHeaders\":{\"X\":\"a\\nb\"}}}"));
    for (String body : bad) {
      assertThat(factum.send("POST", "/serialized/reactions/definitions", body, null).statusCode())
          .as(body)
          .isEqualTo(400);
    }
    assertThat(
            factum
                .send(
                    "PUT",
                    "/serialized/reactions/definitions/other",
                    valid,
                    null) // the body names x
                .statusCode())
        .isEqualTo(400);
    for (String path :
        List.of(
            "/serialized/reactions?status=BOGUS",
            "/serialized/reactions?limit=0",
            "/serialized/reactions?skip=-1",
            "/serialized/reactions?colour=red")) {
      assertThat(factum.send("GET", path, null, null).statusCode()).as(path).isEqualTo(400);
    }
    String id = UUID.randomUUID().toString();
    assertThat(
            factum
                .send("POST", "/serialized/reactions/" + id + "/execute", "{\"x\":1}", null)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            factum
                .send("POST", "/serialized/reactions/" + id + "/execute", "\"\"", null)
                .statusCode())
        .isEqualTo(404);
    assertThat(factum.send("POST", "/serialized/reactions/nope/execute", "\"\"", null).statusCode())
        .isEqualTo(400);
    assertThat(
            factum.send("DELETE", "/serialized/reactions/definitions/zz", null, null).statusCode())
        .isEqualTo(404);
    assertThat(factum.send("GET", "/serialized/reactions/definitions", null, null).body())
        .isEqualTo(before);
    assertThat(factum.store.headPosition()).isEqualTo(head);
  }
}
