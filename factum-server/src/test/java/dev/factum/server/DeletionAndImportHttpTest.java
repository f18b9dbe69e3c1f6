package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.tck.Await;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deletion events over HTTP (reads, filters, SSE) and {@code POST /import}. */
class DeletionAndImportHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
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

  @Test
  void aDeleteIsAnEventInTheLogAndInItsCategoryFeedLiveAndRead() throws Exception {
    try (SseClient orders =
        new SseClient(server.client, server.uri("/all/events?category=order"), null)) {
      server.post(
          "/streams/order-123",
          "{\"expectedRevision\":\"no_stream\",\"events\":" + HttpApiTest.events(2) + "}");
      server.post(
          "/streams/user-1",
          "{\"expectedRevision\":\"no_stream\",\"events\":" + HttpApiTest.events(1) + "}");
      assertThat(server.delete("/streams/order-123?expectedRevision=1").status()).isEqualTo(200);
      Await.until("the deletion on the order feed", WAIT, () -> orders.events().size() >= 3);
      JsonNode live = orders.events().get(2).json();
      assertThat(orders.events().get(2).id()).isEqualTo("3");
      assertThat(live.get("stream").asText()).isEqualTo("$deletions");
      assertThat(live.get("type").asText()).isEqualTo("$stream-deleted");
      assertThat(live.get("data").toString())
          .isEqualTo("{\"stream\":\"order-123\",\"truncateBefore\":2}");
    }
    JsonNode page = server.get("/all?type=%24stream-deleted").json().get("events");
    assertThat(page).hasSize(1);
    assertThat(page.get(0).get("position").asLong()).isEqualTo(3);
    JsonNode system = server.get("/streams/%24deletions").json().get("events");
    assertThat(system).hasSize(1);
    assertThat(system.get(0).get("revision").asLong()).isZero();
    assertThat(server.get("/streams/order-123").status()).isEqualTo(404);
    assertThat(
            server
                .post(
                    "/streams/%24deletions",
                    "{\"expectedRevision\":\"any\",\"events\":" + HttpApiTest.events(1) + "}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void importKeepsTimestampsAndReplaysDeletesAndAnAppendCannotSetATimestamp() throws Exception {
    String body =
        "{\"events\":["
            + "{\"id\":\"6f1c1f8e-0000-4000-8000-000000000001\",\"stream\":\"order-1\",\"revision\":0,"
            + "\"position\":0,\"timestamp\":\"2020-02-02T10:00:00.123456Z\",\"type\":\"Placed\","
            + "\"contentType\":\"application/json\",\"data\":{\"total\": 42.10}},"
            + "{\"id\":\"6f1c1f8e-0000-4000-8000-000000000002\",\"stream\":\"$deletions\","
            + "\"revision\":0,\"timestamp\":\"2020-02-02T10:00:01Z\",\"type\":\"$stream-tombstoned\","
            + "\"data\":{\"stream\":\"order-1\",\"truncateBefore\":1}}]}";
    TestServer.Reply imported = server.post("/import", body);
    assertThat(imported.status()).as(imported.body()).isEqualTo(200);
    assertThat(imported.json().get("events").asInt()).isEqualTo(2);
    assertThat(imported.json().get("position").asLong()).isEqualTo(1);
    JsonNode log = server.get("/all").json().get("events");
    assertThat(log.get(0).get("timestamp").asText()).isEqualTo("2020-02-02T10:00:00.123456Z");
    // JSON data is kept as sent, spaces included (an export carries the stored bytes).
    assertThat(server.get("/all").body()).contains("\"data\":{\"total\": 42.10}");
    assertThat(log.get(1).get("timestamp").asText()).isEqualTo("2020-02-02T10:00:01Z");
    assertThat(server.get("/streams/order-1").status()).isEqualTo(410);
    // The same import again is an exact retry.
    TestServer.Reply again = server.post("/import", body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("position").asLong()).isEqualTo(1);
    assertThat(server.get("/").json().get("headPosition").asLong()).isEqualTo(1);
    // An ordinary append has no timestamp field.
    TestServer.Reply forged =
        server.post(
            "/streams/user-1",
            "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},"
                + "\"timestamp\":\"2020-01-01T00:00:00Z\"}]}");
    assertThat(forged.status()).isEqualTo(400);
    assertThat(forged.json().get("code").asText()).isEqualTo("invalid-request");
    TestServer.Reply older =
        server.post(
            "/import",
            "{\"events\":[{\"id\":\"6f1c1f8e-0000-4000-8000-000000000003\",\"stream\":\"user-1\","
                + "\"revision\":0,\"timestamp\":\"2019-01-01T00:00:00Z\",\"type\":\"T\",\"data\":{}}]}");
    assertThat(older.status()).isEqualTo(400);
    assertThat(older.json().get("detail").asText()).contains("older than");
    TestServer.Reply noTimestamp =
        server.post(
            "/import",
            "{\"events\":[{\"id\":\"6f1c1f8e-0000-4000-8000-000000000004\",\"stream\":\"user-1\","
                + "\"revision\":0,\"type\":\"T\",\"data\":{}}]}");
    assertThat(noTimestamp.status()).isEqualTo(400);
    assertThat(server.get("/").json().get("headPosition").asLong()).isEqualTo(1);
  }

  @Test
  void everyBadImportBodyIsA4xxProblemAndWritesNothing() throws Exception {
    String ok =
        "\"id\":\"6f1c1f8e-0000-4000-8000-000000000009\",\"stream\":\"s-1\",\"revision\":0,"
            + "\"timestamp\":\"2020-01-01T00:00:00Z\",\"type\":\"T\",\"data\":{}";
    List<byte[]> bodies = new ArrayList<>(BadInputCorpusTest.badBodies());
    for (String body :
        List.of(
            "{\"events\":[]}",
            "{\"events\":[{" + ok + ",\"extra\":1}]}",
            "{\"events\":[{" + ok.replace("\"revision\":0", "\"revision\":-1") + "}]}",
            "{\"events\":[{" + ok.replace("\"revision\":0", "\"revision\":\"0\"") + "}]}",
            "{\"events\":[{" + ok.replace("2020-01-01T00:00:00Z", "yesterday") + "}]}",
            "{\"events\":[{" + ok.replace("2020-01-01T00:00:00Z", "1960-01-01T00:00:00Z") + "}]}",
            "{\"events\":[{" + ok.replace("00:00:00Z", "00:00:00.000000001Z") + "}]}",
            "{\"events\":[{"
                + ok.replace("\"id\":\"6f1c1f8e-0000-4000-8000-000000000009\",", "")
                + "}]}",
            "{\"events\":[{" + ok.replace("\"stream\":\"s-1\"", "\"stream\":\"$other\"") + "}]}",
            "{\"events\":[{"
                + ok.replace("\"stream\":\"s-1\"", "\"stream\":\"$deletions\"")
                + "}]}",
            "{\"events\":[{" + ok + "},{" + ok + "}]}",
            "{\"events\":[{" + ok + "}],\"mode\":\"x\"}")) {
      bodies.add(body.getBytes(StandardCharsets.UTF_8));
    }
    for (byte[] body : bodies) {
      TestServer.Reply reply =
          server.send(
              HttpRequest.newBuilder(server.uri("/import"))
                  .header("Content-Type", "application/json")
                  .POST(BodyPublishers.ofByteArray(body))
                  .build());
      String what = new String(body, StandardCharsets.UTF_8);
      assertThat(reply.status()).as(what).isBetween(400, 499);
      assertThat(reply.contentType()).as(what).isEqualTo("application/problem+json");
    }
    assertThat(server.get("/").json().get("headPosition").asLong()).isEqualTo(-1);
  }
}
