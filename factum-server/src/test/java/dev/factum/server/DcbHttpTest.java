package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Query;
import dev.factum.tck.Await;
import dev.factum.wire.QueryJson;
import dev.factum.wire.Urls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native HTTP face of DCB: conditions in both append bodies, reads and SSE by query. */
class DcbHttpTest {
  @TempDir Path directory;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
    append("c-1", "Opened", "course:1"); // 0
    append("c-2", "Opened", "course:2"); // 1
    append("s-1", "Subscribed", "course:1", "student:1"); // 2
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void append(String stream, String type, String... tags) throws Exception {
    assertThat(server.post("/streams/" + stream, body(type, null, tags)).status()).isEqualTo(200);
  }

  private static String body(String type, String condition, String... tags) {
    return "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\""
        + type
        + "\",\"data\":{},\"tags\":"
        + tagArray(tags)
        + "}]"
        + (condition == null ? "" : ",\"condition\":" + condition)
        + "}";
  }

  private static String tagArray(String... tags) {
    List<String> quoted = new ArrayList<>();
    for (String tag : tags) {
      quoted.add("\"" + tag + "\"");
    }
    return "[" + String.join(",", quoted) + "]";
  }

  private static List<Long> positions(JsonNode page) {
    List<Long> positions = new ArrayList<>();
    for (JsonNode event : page.get("events")) {
      positions.add(event.get("position").asLong());
    }
    return positions;
  }

  @Test
  void aConditionalAppendCommitsWhenItHoldsAnd409sWithThePositionWhenNot() throws Exception {
    String course1After0 =
        "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"course:1\"]}]},\"after\":0}";
    TestServer.Reply failed = server.post("/streams/s-2", body("Subscribed", course1After0));
    assertThat(failed.status()).isEqualTo(409);
    assertThat(failed.contentType()).startsWith("application/problem+json");
    assertThat(failed.json().get("code").asText()).isEqualTo("append-condition-failed");
    assertThat(failed.json().get("conflictingPosition").asLong()).isEqualTo(2L);
    assertThat(server.get("/streams/s-2/state").json().get("status").asText())
        .isNotEqualTo("active");

    String course1After2 =
        "{\"failIfEventsMatch\":{\"items\":[{\"types\":[\"Subscribed\"],\"tags\":[\"course:1\"]}]},"
            + "\"after\":2}";
    TestServer.Reply ok = server.post("/streams/s-2", body("Subscribed", course1After2));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("position").asLong()).isEqualTo(3L);
  }

  @Test
  void aMultiStreamAppendFailsWholeWhenOneConditionFails() throws Exception {
    String multi =
        "{\"appends\":["
            + "{\"stream\":\"a-1\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"A\",\"data\":{}}],"
            + "\"condition\":{\"failIfEventsMatch\":{\"items\":[{\"types\":[\"Nope\"]}]}}},"
            + "{\"stream\":\"b-1\",\"expectedRevision\":\"any\",\"events\":[{\"type\":\"B\",\"data\":{}}],"
            + "\"condition\":{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"course:2\"]}]}}}]}";
    TestServer.Reply failed = server.post("/append", multi);
    assertThat(failed.status()).isEqualTo(409);
    assertThat(failed.json().get("conflictingPosition").asLong()).isEqualTo(1L);
    assertThat(server.get("/all?limit=100").json().get("headPosition").asLong()).isEqualTo(2L);
    TestServer.Reply ok = server.post("/append", multi.replace("course:2", "course:3"));
    assertThat(ok.status()).isEqualTo(200);
  }

  @Test
  void theLogIsReadForwardAndBackwardByQuery() throws Exception {
    String query = Urls.encode("{\"items\":[{\"tags\":[\"course:1\"]},{\"types\":[\"Nope\"]}]}");
    assertThat(positions(server.get("/all?query=" + query).json())).containsExactly(0L, 2L);
    JsonNode backward = server.get("/all?direction=backward&limit=1&query=" + query).json();
    assertThat(positions(backward)).containsExactly(2L);
    String next = backward.get("next").asText();
    assertThat(next).contains("query=");
    assertThat(positions(server.get(next).json())).containsExactly(0L);
    assertThat(positions(server.get("/all?query=" + Urls.encode("{\"items\":[]}")).json()))
        .containsExactly(0L, 1L, 2L);
  }

  @Test
  void anSseFeedByQueryCatchesUpThenGoesLive() throws Exception {
    String query = Urls.encode(QueryJson.write(Query.tags("course:1")));
    try (SseClient sse =
        new SseClient(server.client, server.uri("/all/events?from=0&query=" + query), null)) {
      Await.until("catch-up", Duration.ofSeconds(30), () -> countEvents(sse) >= 2);
      append("c-1", "Closed", "course:1"); // 3
      append("c-2", "Closed", "course:2"); // 4
      Await.until("live", Duration.ofSeconds(30), () -> countEvents(sse) >= 3);
      List<Long> seen = new ArrayList<>();
      for (SseClient.Frame frame : sse.events()) {
        if (frame.id() != null) {
          seen.add(frame.json().get("position").asLong());
        }
      }
      assertThat(seen).containsExactly(0L, 2L, 3L);
    }
  }

  private static long countEvents(SseClient sse) {
    return sse.events().stream().filter(f -> f.id() != null).count();
  }
}
