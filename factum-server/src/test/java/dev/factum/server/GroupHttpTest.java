package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups over real HTTP on a real RocksDB store: the whole life of a group, delivery and
 * acks, parking and replay, the atomic ack-append, read-your-writes, and bad input answered with
 * stable codes that change nothing.
 */
class GroupHttpTest {
  @TempDir Path directory;

  private static final String EVENT = "{\"type\":\"T\",\"data\":{}}";

  private static void append(TestServer server, String stream, int count) throws Exception {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(EVENT);
    }
    TestServer.Reply reply =
        server.post(
            "/streams/" + stream,
            "{\"expectedRevision\":\"any\",\"events\":[" + String.join(",", events) + "]}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  private static List<Long> positions(TestServer.Reply polled) {
    assertThat(polled.status()).as(polled.body()).isEqualTo(200);
    List<Long> out = new ArrayList<>();
    for (JsonNode delivery : polled.json().get("deliveries")) {
      out.add(delivery.at("/event/position").asLong());
    }
    return out;
  }

  /** A poll waiting up to 10 s for the first event (it answers as soon as there is one). */
  private static TestServer.Reply poll(TestServer server, String consumer, int max)
      throws Exception {
    return server.post(
        "/groups/g/poll", "{\"consumer\":\"" + consumer + "\",\"max\":" + max + ",\"wait\":10}");
  }

  /** A poll that answers at once. */
  private static TestServer.Reply pollNow(TestServer server, String consumer) throws Exception {
    return server.post("/groups/g/poll", "{\"consumer\":\"" + consumer + "\"}");
  }

  @Test
  void aGroupIsCreatedPolledAckedAndDeleted() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      append(server, "order-1", 2);
      append(server, "order-2", 1);
      append(server, "other-1", 1);
      TestServer.Reply created =
          server.post(
              "/groups",
              "{\"name\":\"g\",\"source\":{\"category\":[\"order\"]},"
                  + "\"settings\":{\"maxInFlight\":10,\"maxRetries\":0}}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.json().at("/source/category/0").asText()).isEqualTo("order");
      assertThat(created.json().at("/settings/maxInFlight").asInt()).isEqualTo(10);
      assertThat(created.json().get("start").asLong()).isZero();

      assertThat(server.post("/groups", "{\"name\":\"g\"}").json().get("code").asText())
          .isEqualTo("group-exists");
      assertThat(server.get("/groups").json().get("groups")).hasSize(1);

      // one event per stream at a time: order-1's second waits for its first
      List<Long> first = positions(poll(server, "c1", 10));
      assertThat(first).containsExactly(0L, 2L);
      assertThat(positions(pollNow(server, "c2"))).isEmpty();
      assertThat(server.get("/groups/g/processed?position=0").json().get("processed").asBoolean())
          .isFalse();
      CompletableFuture<TestServer.Reply> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return server.get("/groups/g/processed?position=0&wait=10");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(server.post("/groups/g/ack", "{\"consumer\":\"c1\",\"positions\":[0,2]}").status())
          .isEqualTo(204);
      assertThat(waiting.get().json().get("processed").asBoolean()).isTrue();
      assertThat(positions(poll(server, "c2", 10))).containsExactly(1L);

      // park, list, replay, ack
      assertThat(
              server
                  .post(
                      "/groups/g/park",
                      "{\"consumer\":\"c2\",\"positions\":[1],\"reason\":\"poison\"}")
                  .status())
          .isEqualTo(204);
      JsonNode parked = server.get("/groups/g/parked").json().get("parked");
      assertThat(parked).hasSize(1);
      assertThat(parked.get(0).get("reason").asText()).isEqualTo("poison");
      assertThat(parked.get(0).get("stream").asText()).isEqualTo("order-1");
      JsonNode status = server.get("/groups/g").json();
      assertThat(status.get("checkpoint").asLong()).isEqualTo(4);
      assertThat(status.get("parked").asInt()).isEqualTo(1);
      assertThat(server.post("/groups/g/replay", "{\"positions\":[1]}").status()).isEqualTo(204);
      TestServer.Reply replayed = poll(server, "c3", 10);
      assertThat(positions(replayed)).containsExactly(1L);
      assertThat(replayed.json().at("/deliveries/0/replay").asBoolean()).isTrue();
      server.post("/groups/g/ack", "{\"consumer\":\"c3\",\"positions\":[1]}");
      assertThat(server.get("/groups/g/parked").json().get("parked")).isEmpty();

      TestServer.Reply updated = server.put("/groups/g", "{\"maxInFlight\":3}");
      assertThat(updated.status()).as(updated.body()).isEqualTo(200);
      assertThat(updated.json().at("/settings/maxInFlight").asInt()).isEqualTo(3);
      assertThat(updated.json().at("/settings/maxRetries").asInt()).isZero();

      assertThat(server.delete("/groups/g").status()).isEqualTo(204);
      assertThat(server.get("/groups/g").json().get("code").asText()).isEqualTo("group-not-found");
      assertThat(
              server
                  .post("/groups/g/ack", "{\"consumer\":\"c3\",\"positions\":[1]}")
                  .json()
                  .get("code")
                  .asText())
          .as("an ack after delete")
          .isEqualTo("group-not-found");
    }
  }

  @Test
  void anAckAppendWritesAndAcksAtomicallyAndOnlyOnce() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      append(server, "order-1", 1);
      server.post("/groups", "{\"name\":\"g\",\"source\":{\"stream\":\"order-1\"}}");
      assertThat(positions(poll(server, "c", 10))).containsExactly(0L);
      String ackAppend =
          "{\"consumer\":\"c\",\"positions\":[0],\"stream\":\"view-1\","
              + "\"expectedRevision\":\"any\",\"events\":["
              + EVENT
              + "]}";
      TestServer.Reply done = server.post("/groups/g/append", ackAppend);
      assertThat(done.status()).as(done.body()).isEqualTo(200);
      assertThat(done.json().get("position").asLong()).isEqualTo(1);
      assertThat(server.get("/groups/g/processed?position=0").json().get("processed").asBoolean())
          .isTrue();

      TestServer.Reply again = server.post("/groups/g/append", ackAppend);
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().get("code").asText()).isEqualTo("not-delivered");
      assertThat(server.get("/streams/view-1").json().get("events")).hasSize(1);
    }
  }

  @Test
  void badInputIsRefusedWithStableCodesAndChangesNothing() throws Exception {
    try (TestServer server = new TestServer(directory)) {
      append(server, "order-1", 2);
      assertThat(poll(server, "c", 1).json().get("code").asText()).isEqualTo("group-not-found");
      TestServer.Reply invalid =
          server.post("/groups", "{\"name\":\"g\",\"settings\":{\"maxInFlight\":0}}");
      assertThat(invalid.status()).isEqualTo(400);
      assertThat(invalid.json().get("code").asText()).isEqualTo("invalid-request");
      assertThat(server.post("/groups", "{\"name\":\"g\",\"colour\":1}").status()).isEqualTo(400);
      assertThat(
              server.post("/groups", "{\"name\":\"g\",\"source\":{\"stream\":\"a\",\"tag\":[]}}"))
          .extracting(TestServer.Reply::status)
          .isEqualTo(400);
      assertThat(server.get("/groups").json().get("groups")).isEmpty();

      server.post("/groups", "{\"name\":\"g\"}");
      assertThat(positions(poll(server, "c", 1))).containsExactly(0L);
      JsonNode before = server.get("/groups/g").json();
      TestServer.Reply notDelivered =
          server.post("/groups/g/ack", "{\"consumer\":\"other\",\"positions\":[0]}");
      assertThat(notDelivered.status()).isEqualTo(409);
      assertThat(notDelivered.json().get("code").asText()).isEqualTo("not-delivered");
      assertThat(
              server
                  .post("/groups/g/ack", "{\"consumer\":\"c\",\"positions\":[1]}")
                  .json()
                  .get("code")
                  .asText())
          .isEqualTo("not-delivered");
      assertThat(server.put("/groups/g", "{\"ackTimeoutMillis\":0}").status()).isEqualTo(400);
      assertThat(server.post("/groups/g/poll", "{\"consumer\":\"c\",\"max\":0}").status())
          .isEqualTo(400);
      assertThat(server.get("/groups/g/processed").status()).isEqualTo(400);
      assertThat(server.get("/groups/g/processed?position=0&wait=100000").status()).isEqualTo(400);
      JsonNode after = server.get("/groups/g").json();
      assertThat(after.get("checkpoint")).isEqualTo(before.get("checkpoint"));
      assertThat(after.get("inFlight")).isEqualTo(before.get("inFlight"));
      assertThat(after.get("settings")).isEqualTo(before.get("settings"));
    }
  }
}
