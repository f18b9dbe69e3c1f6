package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamNames;
import dev.factum.tck.Await;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
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
  void eventDataAndMetadataAreStoredAndServedByteForByteAsSent() throws Exception {
    // Number spellings a re-serializing parser would change (-0 to 0, 1e2 to 1E+2 or 100.0,
    // 1.0 to 1), big and tiny numbers, white space, escapes, and non-ASCII text.
    String data =
        "{ \"negZero\" : -0, \"negZeroFloat\": -0.0, \"exp\":1e2, \"Exp\":1E+2,"
            + " \"one\":1.0, \"big\":123456789012345678901234567890.000,"
            + " \"tiny\":1e-400, \"huge\":1e400,\n \"esc\":\"\\u00e9\\/\\ud83d\\ude00\","
            + " \"raw\":\"é😀\", \"list\":[ -0 , 0.10 ],"
            + " \"inner\":{\"data\":-0,\"metadata\":{\"data\":1e2}} }";
    String metadata = "{\"at\" : -0e0 ,\"by\":\"\\u0041\"}";
    String scalar = "-0";
    String body =
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"Exact\",\"data\":"
            + data
            + ",\"metadata\":"
            + metadata
            + "},{\"type\":\"Scalar\",\"data\":"
            + scalar
            + "  }]}";
    assertThat(server.post("/streams/exact-1", body).status()).isEqualTo(200);

    List<RecordedEvent> stored =
        server.store.readStream("exact-1", 0, Direction.FORWARD, 10).events();
    assertThat(stored.get(0).dataAsString()).isEqualTo(data);
    assertThat(new String(stored.get(0).metadata(), StandardCharsets.UTF_8)).isEqualTo(metadata);
    assertThat(stored.get(1).dataAsString()).isEqualTo(scalar);

    // Pages and SSE frames carry the same bytes: a JSON value embedded as it was sent.
    String page = server.get("/streams/exact-1").body();
    assertThat(page)
        .contains("\"data\":" + data + ",\"metadata\":" + metadata)
        .contains("\"data\":" + scalar + "}");
    assertThat(server.get("/all").body()).contains("\"data\":" + data);
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
    Await.until(
        "the long poll to be waiting",
        Duration.ofSeconds(10),
        () -> server.store.headWaiters() > 0);
    server.post("/streams/late-1", "{\"expectedRevision\":\"any\",\"events\":" + events(1) + "}");
    TestServer.Reply polled = poll.get(20, TimeUnit.SECONDS);
    assertThat(polled.json().get("events").get(0).get("position").asLong()).isEqualTo(6);
    long started = System.nanoTime();
    assertThat(server.get("/all?from=7&wait=1").json().get("events")).isEmpty();
    assertThat(System.nanoTime() - started).isGreaterThan(900_000_000L);
  }

  @Test
  void aLongPollFromTheEndWakesOnTheNextAppendAndItsNextLinkWorks() throws Exception {
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(3) + "}");
    // Without waiting: the page is empty and links to head + 1, a position that can be followed.
    JsonNode now = server.get("/all?from=end").json();
    assertThat(now.get("events")).isEmpty();
    assertThat(now.get("next").asText()).isEqualTo("/all?from=3&direction=forward&limit=100");

    // Others may wait on the head too (the key registry's feed of $keys): count this poll only.
    int othersWaiting = server.store.headWaiters();
    long started = System.nanoTime();
    CompletableFuture<TestServer.Reply> poll =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return server.get("/all?from=end&wait=30&category=late");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // A real signal: the poll's thread is parked waiting for the head to move.
    Await.until(
        "the long poll to be parked",
        Duration.ofSeconds(20),
        () -> server.store.headWaiters() > othersWaiting);
    server.post("/streams/late-1", "{\"expectedRevision\":\"any\",\"events\":" + events(1) + "}");
    TestServer.Reply polled = poll.get(20, TimeUnit.SECONDS);
    assertThat(System.nanoTime() - started).isLessThan(25_000_000_000L); // the wait was 30 s
    assertThat(polled.status()).isEqualTo(200);
    JsonNode page = polled.json();
    assertThat(page.get("events")).hasSize(1);
    assertThat(page.get("events").get(0).get("position").asLong()).isEqualTo(3);
    String next = page.get("next").asText();
    assertThat(next).isEqualTo("/all?from=4&direction=forward&limit=100&category=late");
    TestServer.Reply followed = server.get(next);
    assertThat(followed.status()).isEqualTo(200);
    assertThat(followed.json().get("events")).isEmpty();
    assertThat(followed.json().get("next").asText()).isEqualTo(next);

    // A stream read forward from the end, and backward reads from the end, name real positions.
    JsonNode streamEnd = server.get("/streams/s-1?from=end").json();
    assertThat(streamEnd.get("events")).isEmpty();
    assertThat(streamEnd.get("endOfRead").asBoolean()).isTrue();
    JsonNode back = server.get("/all?from=end&direction=backward&limit=2").json();
    assertThat(back.get("events").get(0).get("position").asLong()).isEqualTo(3);
    assertThat(back.get("next").asText()).isEqualTo("/all?from=1&direction=backward&limit=2");
    JsonNode streamBack = server.get("/streams/s-1?from=end&direction=backward&limit=2").json();
    assertThat(streamBack.get("events").get(0).get("revision").asLong()).isEqualTo(2);
    assertThat(streamBack.get("next").asText())
        .isEqualTo("/streams/s-1?from=0&direction=backward&limit=2");
  }

  private HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return server.client.send(request.build(), BodyHandlers.ofByteArray());
  }

  private static byte[] gunzip(byte[] body) throws Exception {
    try (var in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }

  @Test
  void largeResponsesAreGzippedWhenAskedFor() throws Exception {
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(60) + "}");
    var plain = getBytes("/all?limit=60");
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(plain.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    var zipped = getBytes("/all?limit=60", "Accept-Encoding", "br, gzip;q=0.8");
    assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.headers().firstValue("Vary")).hasValue("Accept-Encoding");
    assertThat(zipped.body().length).isLessThan(plain.body().length / 3);
    assertThat(gunzip(zipped.body())).isEqualTo(plain.body());
    assertThat(TestServer.JSON.readTree(gunzip(zipped.body())).get("events")).hasSize(60);

    var openApi = getBytes("/openapi.json", "Accept-Encoding", "gzip");
    assertThat(openApi.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(TestServer.JSON.readTree(gunzip(openApi.body())).get("paths")).isNotEmpty();
    for (String refusal : List.of("gzip;q=0", "identity", "deflate, gzip; q=0.000")) {
      var refused = getBytes("/all?limit=60", "Accept-Encoding", refusal);
      assertThat(refused.headers().firstValue("Content-Encoding")).as(refusal).isEmpty();
      assertThat(refused.body()).isEqualTo(plain.body());
    }
    // Small answers stay as they are.
    var small = getBytes("/health/live", "Accept-Encoding", "gzip");
    assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(new String(small.body(), StandardCharsets.UTF_8)).contains("up");
  }

  @Test
  void onlyFullForwardPagesOfTheLogAreCacheable() throws Exception {
    server.post("/streams/s-1", "{\"expectedRevision\":\"any\",\"events\":" + events(25) + "}");
    TestServer.Reply full = server.get("/all?from=0&limit=10");
    assertThat(full.raw().headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=31536000, immutable");
    assertThat(full.raw().headers().firstValue("ETag")).hasValue("W/\"log-0-9\"");
    var revalidated = getBytes("/all?from=0&limit=10", "If-None-Match", "W/\"log-0-9\"");
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(revalidated.body()).isEmpty();
    assertThat(getBytes("/all?from=0&limit=10", "If-None-Match", "W/\"log-0-8\"").statusCode())
        .isEqualTo(200);
    // A filtered full page is as fixed: every position it covers is at or below the head.
    assertThat(server.get("/all?from=0&limit=10&type=Happened").raw().headers().firstValue("ETag"))
        .hasValue("W/\"log-0-9\"");

    // The claim holds: later appends change nothing in it but the head it reports.
    server.post("/streams/s-2", "{\"expectedRevision\":\"any\",\"events\":" + events(5) + "}");
    TestServer.Reply later = server.get("/all?from=0&limit=10");
    assertThat(later.json().get("events")).isEqualTo(full.json().get("events"));
    assertThat(later.json().get("next")).isEqualTo(full.json().get("next"));
    assertThat(later.json().get("endOfRead")).isEqualTo(full.json().get("endOfRead"));

    // Everything else can change, and says so.
    for (String live :
        List.of(
            "/all?from=25&limit=10", // reaches the head: the next append joins it
            "/all?from=end",
            "/all?direction=backward&limit=10", // from the end: moves with the head
            "/all?from=5&direction=backward&limit=3",
            "/streams/s-1?limit=10", // a stream can be deleted
            "/streams/s-1/state",
            "/",
            "/nope")) {
      assertThat(server.get(live).raw().headers().firstValue("Cache-Control"))
          .as(live)
          .hasValue("no-store");
      assertThat(server.get(live).raw().headers().firstValue("ETag")).as(live).isEmpty();
    }
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
    assertThat(StreamNames.urlEncode("café-1/x")).isEqualTo("caf%C3%A9-1%2Fx");
    assertThat(StreamNames.urlEncode("..")).isEqualTo("%2E%2E");
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
