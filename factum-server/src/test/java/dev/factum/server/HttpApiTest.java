package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v1 API end to end over real HTTP: every endpoint's success and error shapes. */
class HttpApiTest {
  @TempDir Path directory;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static String events(int count) {
    List<String> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add("{\"type\":\"Happened\",\"data\":{\"n\":" + i + "}}");
    }
    return "[" + String.join(",", events) + "]";
  }

  @Test
  void appendReadAndConflict() throws Exception {
    TestServer.Reply first =
        server.post(
            "/streams/order-1",
            "{\"expectedRevision\":\"no_stream\",\"events\":" + events(2) + "}");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("firstRevision").asLong()).isEqualTo(0);
    assertThat(first.json().get("nextExpectedRevision").asLong()).isEqualTo(1);
    assertThat(first.json().get("position").asLong()).isEqualTo(1);

    TestServer.Reply conflict =
        server.post("/streams/order-1", "{\"expectedRevision\":0,\"events\":" + events(1) + "}");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.contentType()).isEqualTo("application/problem+json");
    JsonNode problem = conflict.json();
    assertThat(problem.get("code").asText()).isEqualTo("wrong-expected-revision");
    assertThat(problem.get("stream").asText()).isEqualTo("order-1");
    assertThat(problem.get("expectedRevision").asText()).isEqualTo("0");
    assertThat(problem.get("actualRevision").asLong()).isEqualTo(1);
    assertThat(problem.get("status").asInt()).isEqualTo(409);

    TestServer.Reply noStream =
        server.post(
            "/streams/order-2", "{\"expectedRevision\":\"exists\",\"events\":" + events(1) + "}");
    assertThat(noStream.status()).isEqualTo(409);
    assertThat(noStream.json().get("actualRevision").isNull()).isTrue();

    TestServer.Reply page = server.get("/streams/order-1?limit=1");
    assertThat(page.status()).isEqualTo(200);
    JsonNode event = page.json().get("events").get(0);
    assertThat(event.get("stream").asText()).isEqualTo("order-1");
    assertThat(event.get("type").asText()).isEqualTo("Happened");
    assertThat(event.get("revision").asLong()).isEqualTo(0);
    assertThat(event.get("data").get("n").asInt()).isEqualTo(0);
    assertThat(event.get("id").asText()).hasSize(36);
    assertThat(event.get("timestamp").asText()).endsWith("Z");
    String next = page.json().get("next").asText();
    assertThat(next).isEqualTo("/streams/order-1?from=1&direction=forward&limit=1");
    JsonNode rest = server.get(next).json();
    assertThat(rest.get("events").get(0).get("revision").asLong()).isEqualTo(1);

    JsonNode backward = server.get("/streams/order-1?direction=backward").json();
    assertThat(backward.get("events").get(0).get("revision").asLong()).isEqualTo(1);
    assertThat(backward.get("next").isNull()).isTrue();
  }

  @Test
  void eventFieldsRoundTripIncludingBinaryMetadataAndTags() throws Exception {
    String id = "3f2a5c1e-7a4b-4c8d-9e0f-1a2b3c4d5e6f";
    server.post(
        "/streams/doc-1",
        "{\"expectedRevision\":\"any\",\"events\":[{\"id\":\""
            + id
            + "\",\"type\":\"Saved\","
            + "\"data\":{\"price\":12.50,\"big\":123456789012345678901234567890,\"s\":\"✓\"},"
            + "\"metadata\":{\"by\":\"u-1\"},\"tags\":[\"eu\",\"vip\"]},"
            + "{\"type\":\"Blob\",\"contentType\":\"application/octet-stream\",\"data\":\"AAEC\"}]}");
    TestServer.Reply read = server.get("/streams/doc-1");
    // numbers come back exactly as sent, not through a double
    assertThat(read.body())
        .contains("\"price\":12.50")
        .contains("\"big\":123456789012345678901234567890");
    JsonNode events = read.json().get("events");
    JsonNode saved = events.get(0);
    assertThat(saved.get("id").asText()).isEqualTo(id);
    assertThat(saved.get("data").get("s").asText()).isEqualTo("✓");
    assertThat(saved.get("metadata").get("by").asText()).isEqualTo("u-1");
    assertThat(saved.get("tags")).hasSize(2);
    assertThat(events.get(1).get("contentType").asText()).isEqualTo("application/octet-stream");
    assertThat(events.get(1).get("data").asText()).isEqualTo("AAEC");
  }

  @Test
  void retriesWithTheSameIdsAreIdempotent() throws Exception {
    String body =
        "{\"expectedRevision\":\"no_stream\",\"events\":[{\"id\":\"0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d\","
            + "\"type\":\"T\",\"data\":{}}]}";
    TestServer.Reply original = server.post("/streams/s-1", body);
    TestServer.Reply retry = server.post("/streams/s-1", body);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(original.body());
    assertThat(server.store.headPosition()).isEqualTo(0);
  }

  @Test
  void streamStateDeleteAndTombstone() throws Exception {
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(3) + "}");
    assertThat(server.get("/streams/s-1/state").json().get("lastRevision").asLong()).isEqualTo(2);
    assertThat(server.get("/streams/nothing-1/state").json().get("status").asText())
        .isEqualTo("none");
    assertThat(server.delete("/streams/s-1").status()).isEqualTo(400);
    assertThat(server.delete("/streams/s-1?expectedRevision=1").status()).isEqualTo(409);
    TestServer.Reply deleted = server.delete("/streams/s-1?expectedRevision=2");
    assertThat(deleted.json().get("status").asText()).isEqualTo("deleted");
    assertThat(server.get("/streams/s-1").status()).isEqualTo(404);
    assertThat(server.get("/streams/s-1").json().get("code").asText())
        .isEqualTo("stream-not-found");
    server.post(
        "/streams/s-1", "{\"expectedRevision\":\"no_stream\",\"events\":" + events(1) + "}");
    assertThat(server.get("/streams/s-1").json().get("events").get(0).get("revision").asLong())
        .isEqualTo(3);
    assertThat(server.delete("/streams/s-1?expectedRevision=any&tombstone=true").status())
        .isEqualTo(200);
    TestServer.Reply gone =
        server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(1) + "}");
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.json().get("code").asText()).isEqualTo("stream-deleted");
    assertThat(gone.json().get("stream").asText()).isEqualTo("s-1");
    assertThat(server.get("/streams/never-1").json().get("stream").asText()).isEqualTo("never-1");
  }

  @Test
  void globalLogWithFiltersPagingAndLongPolling() throws Exception {
    server.post("/streams/order-1", "{\"expectedRevision\":\"any\",\"events\":" + events(3) + "}");
    server.post(
        "/streams/user-1",
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Joined\",\"data\":{},\"tags\":[\"vip\"]}]}");
    server.post("/streams/order-2", "{\"expectedRevision\":\"any\",\"events\":" + events(2) + "}");
    JsonNode all = server.get("/all").json();
    assertThat(all.get("events")).hasSize(6);
    assertThat(all.get("headPosition").asLong()).isEqualTo(5);
    assertThat(all.get("next").asText()).isEqualTo("/all?from=6&direction=forward&limit=100");
    assertThat(server.get("/all?category=order").json().get("events")).hasSize(5);
    assertThat(server.get("/all?type=Joined").json().get("events")).hasSize(1);
    assertThat(server.get("/all?tag=vip").json().get("events").get(0).get("stream").asText())
        .isEqualTo("user-1");
    assertThat(server.get("/all?category=order&category=user").json().get("events")).hasSize(6);
    assertThat(server.get("/all?category=order&type=Joined").status()).isEqualTo(400);
    JsonNode back = server.get("/all?direction=backward&limit=2").json();
    assertThat(back.get("events").get(0).get("position").asLong()).isEqualTo(5);
    assertThat(back.get("next").asText()).isEqualTo("/all?from=3&direction=backward&limit=2");

    CompletableFuture<TestServer.Reply> poll =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return server.get("/all?from=6&wait=20");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    dev.factum.tck.Await.until(
        "the long poll to be waiting",
        java.time.Duration.ofSeconds(10),
        () -> server.store.subscriptionCount() >= 0 && !poll.isDone());
    server.post("/streams/late-1", "{\"expectedRevision\":\"any\",\"events\":" + events(1) + "}");
    TestServer.Reply polled = poll.get(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(polled.json().get("events").get(0).get("position").asLong()).isEqualTo(6);
    long started = System.nanoTime();
    assertThat(server.get("/all?from=7&wait=1").json().get("events")).isEmpty();
    assertThat(System.nanoTime() - started).isGreaterThan(900_000_000L);
  }

  @Test
  void multiStreamAppendIsAtomic() throws Exception {
    TestServer.Reply ok =
        server.post(
            "/append",
            "{\"appends\":[{\"stream\":\"a-1\",\"expectedRevision\":\"no_stream\",\"events\":"
                + events(1)
                + "},{\"stream\":\"b-1\",\"expectedRevision\":\"no_stream\",\"events\":"
                + events(2)
                + "}]}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("results").get(1).get("stream").asText()).isEqualTo("b-1");
    assertThat(ok.json().get("results").get(1).get("position").asLong()).isEqualTo(2);
    TestServer.Reply conflict =
        server.post(
            "/append",
            "{\"appends\":[{\"stream\":\"c-1\",\"expectedRevision\":\"no_stream\",\"events\":"
                + events(1)
                + "},{\"stream\":\"a-1\",\"expectedRevision\":\"no_stream\",\"events\":"
                + events(1)
                + "}]}");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.json().get("stream").asText()).isEqualTo("a-1");
    assertThat(server.get("/streams/c-1").status()).isEqualTo(404);
  }

  @Test
  void smallResponsesAreNotHeldBackByNagle() throws Exception {
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(100) + "}");
    server.get("/streams/s-1?limit=100"); // warm up
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      long started = System.nanoTime();
      assertThat(server.get("/streams/s-1?limit=100").status()).isEqualTo(200);
      fastest = Math.min(fastest, System.nanoTime() - started);
    }
    // The mechanism, checked exactly: the JDK server sets TCP_NODELAY on every connection.
    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    // The effect, with no margin of a few ms: with Nagle's algorithm on, every one of these
    // waits at least Linux's 40 ms minimum delayed ACK, so only a machine too busy to answer any
    // of twenty loopback reads within 40 ms could fail this without Nagle.
    assertThat(fastest / 1_000_000).isLessThan(40);
  }

  @Test
  void closingWithNothingInFlightDoesNotWaitOutTheGracePeriod() throws Exception {
    server.get("/health/live");
    long started = System.nanoTime();
    server.server.close();
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(3_000);
  }

  @Test
  void streamNamesArePercentDecoded() throws Exception {
    TestServer.Reply reply =
        server.post(
            "/streams/caf%C3%A9-1%2Fx",
            "{\"expectedRevision\":\"any\",\"events\":" + events(1) + "}");
    assertThat(reply.status()).isEqualTo(200);
    JsonNode event = server.get("/all").json().get("events").get(0);
    assertThat(event.get("stream").asText()).isEqualTo("café-1/x");
    assertThat(dev.factum.api.StreamNames.urlEncode("café-1/x")).isEqualTo("caf%C3%A9-1%2Fx");
    assertThat(dev.factum.api.StreamNames.urlEncode("..")).isEqualTo("%2E%2E");
  }

  @Test
  void healthMetricsRootAndUnknownRoutes() throws Exception {
    assertThat(server.get("/health/live").json().get("status").asText()).isEqualTo("up");
    assertThat(server.get("/health/ready").status()).isEqualTo(200);
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(2) + "}");
    server.post(
        "/streams/s-1", "{\"expectedRevision\":\"no_stream\",\"events\":" + events(2) + "}");
    TestServer.Reply metrics = server.get("/metrics");
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("factum_appends_total{result=\"ok\"} 1")
        .contains("factum_appends_total{result=\"wrong-expected-revision\"} 1")
        .contains("factum_events_appended_total 2")
        .contains("factum_append_duration_seconds_count 2")
        .contains("factum_head_position 1")
        .contains("factum_write_batches_total");
    assertThat(server.get("/").json().get("name").asText()).isEqualTo("Factum");
    assertThat(server.get("/nope").status()).isEqualTo(404);
    assertThat(server.get("/nope").json().get("code").asText()).isEqualTo("not-found");
    assertThat(server.delete("/all").status()).isEqualTo(405);
    assertThat(server.delete("/all").json().get("code").asText()).isEqualTo("method-not-allowed");
  }
}
