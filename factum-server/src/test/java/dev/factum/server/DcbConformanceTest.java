package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.Urls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code /dcb/} pair in the shapes of the dcb.events suite's default HTTP adapter: positions
 * shifted by one, {@code after: 0} for "nothing seen", failures as answers, strict options.
 */
class DcbConformanceTest {
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

  private JsonNode read(String query, String options) throws Exception {
    StringBuilder path = new StringBuilder("/dcb/read");
    String sep = "?";
    if (query != null) {
      path.append(sep).append("query=").append(Urls.encode(query));
      sep = "&";
    }
    if (options != null) {
      path.append(sep).append("options=").append(Urls.encode(options));
    }
    TestServer.Reply reply = server.get(path.toString());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  private JsonNode append(String body) throws Exception {
    TestServer.Reply reply = server.post("/dcb/append", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("durationInMicroseconds").asLong()).isNotNegative();
    return reply.json();
  }

  private static String event(String type, String data, String... tags) {
    return "{\"type\":\""
        + type
        + "\",\"data\":\""
        + data
        + "\",\"tags\":["
        + String.join(",", List.of(tags).stream().map(t -> "\"" + t + "\"").toList())
        + "]}";
  }

  private static List<Long> positions(JsonNode events) {
    List<Long> positions = new ArrayList<>();
    for (JsonNode event : events) {
      positions.add(event.get("position").asLong());
    }
    return positions;
  }

  private static final String COURSE_1 = "{\"items\":[{\"tags\":[\"course:1\"]}]}";

  @Test
  void theSuitesFlowReadThenAppendAfterTheLastSeenPosition() throws Exception {
    assertThat(read(COURSE_1, null)).isEmpty();
    String condition = "{\"failIfEventsMatch\":" + COURSE_1 + ",\"after\":0}";
    JsonNode first =
        append(
            "{\"events\":["
                + event("CourseDefined", "c1", "course:1")
                + "],\"condition\":"
                + condition
                + "}");
    assertThat(first.get("appendConditionFailed").asBoolean()).isFalse();
    JsonNode events = read(COURSE_1, null);
    assertThat(positions(events)).containsExactly(1L);
    assertThat(events.get(0).get("data").asText()).isEqualTo("c1");
    assertThat(events.get(0).get("type").asText()).isEqualTo("CourseDefined");
    assertThat(events.get(0).get("tags").get(0).asText()).isEqualTo("course:1");
    // The same decision again is stale now: refused, as an answer, and nothing written.
    JsonNode again =
        append(
            "{\"events\":["
                + event("CourseDefined", "c1-again", "course:1")
                + "],\"condition\":"
                + condition
                + "}");
    assertThat(again.get("appendConditionFailed").asBoolean()).isTrue();
    JsonNode next =
        append(
            "{\"events\":["
                + event("CourseRenamed", "c1b", "course:1")
                + "],\"condition\":{\"failIfEventsMatch\":"
                + COURSE_1
                + ",\"after\":1}}");
    assertThat(next.get("appendConditionFailed").asBoolean()).isFalse();
    List<RecordedEvent> stored =
        server.store.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events();
    assertThat(stored).hasSize(2);
    assertThat(stored.getFirst().stream()).isEqualTo(DcbResource.STREAM);
    assertThat(new String(stored.getFirst().data(), StandardCharsets.UTF_8)).isEqualTo("\"c1\"");
  }

  @Test
  void optionsReadFromBackwardsAndWithALimit() throws Exception {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      events.append(i == 0 ? "" : ",").append(event("E" + i % 2, "d" + i, "t:" + i % 2));
    }
    append("{\"events\":[" + events + "]}");
    assertThat(positions(read(null, null))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(positions(read("{\"items\":[{\"types\":[\"E1\"]}]}", null)))
        .containsExactly(2L, 4L, 6L);
    assertThat(positions(read(null, "{\"from\":3}"))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(positions(read(null, "{\"from\":4,\"backwards\":true}")))
        .containsExactly(4L, 3L, 2L, 1L);
    assertThat(positions(read(null, "{\"backwards\":true,\"limit\":2}"))).containsExactly(6L, 5L);
    assertThat(positions(read("{\"items\":[{\"tags\":[\"t:0\"]}]}", "{\"from\":2,\"limit\":1}")))
        .containsExactly(3L);
    assertThat(positions(read(null, "{\"from\":0,\"backwards\":true}"))).isEmpty();
    assertThat(positions(read(null, "{}"))).hasSize(6);
  }

  @Test
  void badInputIsA400AndWritesNothing() throws Exception {
    for (String options :
        List.of(
            "{\"from\":-1}",
            "{\"limit\":-5}",
            "{\"from\":1.5}",
            "{\"fromm\":1}",
            "{\"backwards\":\"yes\"}",
            "[]",
            "nope")) {
      TestServer.Reply reply = server.get("/dcb/read?options=" + Urls.encode(options));
      assertThat(reply.status()).as(options).isEqualTo(400);
      assertThat(reply.json().get("code").asText()).isEqualTo("invalid-request");
    }
    for (String query : List.of("{}", "{\"items\":[{\"typez\":[]}]}", "[", "{\"items\":[1]}")) {
      assertThat(server.get("/dcb/read?query=" + Urls.encode(query)).status())
          .as(query)
          .isEqualTo(400);
    }
    assertThat(server.get("/dcb/read?limit=1").status()).isEqualTo(400);
    for (String body :
        List.of(
            "{}",
            "{\"events\":[]}",
            "{\"events\":[{\"type\":\"T\",\"data\":{}}]}",
            "{\"events\":[{\"type\":\"T\"}]}",
            "{\"events\":[{\"type\":\"T\",\"data\":\"x\",\"tags\":[\"a\",\"a\"]}]}",
            "{\"events\":[{\"type\":\"T\",\"data\":\"x\",\"extra\":1}]}",
            "{\"events\":[{\"type\":\"T\",\"data\":\"x\"}],\"condition\":{\"after\":0}}",
            "{\"events\":[{\"type\":\"T\",\"data\":\"x\"}],\"condition\":{\"failIfEventsMatch\":"
                + "{\"items\":[]},\"after\":-1}}",
            "{\"events\":[{\"type\":\"T\",\"data\":\"x\"}],\"expectedRevision\":\"any\"}")) {
      TestServer.Reply reply = server.post("/dcb/append", body);
      assertThat(reply.status()).as(body).isEqualTo(400);
    }
    assertThat(server.store.headPosition()).isEqualTo(-1L);
  }
}
