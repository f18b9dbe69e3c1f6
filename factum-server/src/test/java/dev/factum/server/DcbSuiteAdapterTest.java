package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The requests the dcb.events suite's default HTTP adapter ({@code adapters/http_default.js})
 * sends, replayed byte for byte with {@code java.net.http} against {@code BASE_URI=<server>/dcb},
 * and the checks it makes of the answers. The suite itself runs on k6, which this project does not
 * use (its licence, AGPL, is on the not-to-use list; see docs/DCB.md), so this is where its
 * protocol is held to: {@code GET /read?query=<encodeURIComponent(JSON)>[&options=...]} answered by
 * a JSON array of objects with a string {@code type}, an array {@code tags} and a number {@code
 * position}; {@code POST /append} with {@code {"events": [...], "condition": ...}} ({@code
 * condition} left out when there is none, {@code after} left out when nothing was read) answered by
 * a number {@code durationInMicroseconds} and a boolean {@code appendConditionFailed}, always 200.
 */
class DcbSuiteAdapterTest {
  @TempDir Path directory;
  TestServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  /** JavaScript's {@code encodeURIComponent}: everything but {@code A-Za-z0-9-_.!~*'()}. */
  private static String encodeUriComponent(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || "-_.!~*'()".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private String base() {
    return server.server.uri() + "/dcb";
  }

  /** The adapter's {@code read(query, options)}, with its checks of the answer. */
  private JsonNode read(String query, String options) throws Exception {
    String url = base() + "/read?query=" + encodeUriComponent(query);
    if (options != null) {
      url += "&options=" + encodeUriComponent(options);
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode events = TestServer.JSON.readTree(response.body());
    assertThat(events.isArray()).as(response.body()).isTrue();
    for (JsonNode event : events) {
      assertThat(event.isObject()).isTrue();
      assertThat(event.get("type").isTextual()).as(event.toString()).isTrue();
      assertThat(event.get("tags").isArray()).as(event.toString()).isTrue();
      assertThat(event.get("position").isNumber()).as(event.toString()).isTrue();
    }
    return events;
  }

  /** The adapter's {@code readLastEvent(query)}: null when nothing matches. */
  private JsonNode readLastEvent(String query) throws Exception {
    JsonNode events = read(query, "{\"backwards\":true,\"limit\":1}");
    return events.isEmpty() ? null : events.get(0);
  }

  /** The adapter's {@code append(events, condition)}: the body as JSON.stringify writes it. */
  private boolean append(String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base() + "/append"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = TestServer.JSON.readTree(response.body());
    assertThat(answer.isObject()).isTrue();
    assertThat(answer.get("durationInMicroseconds").isNumber()).as(answer.toString()).isTrue();
    assertThat(answer.get("appendConditionFailed").isBoolean()).as(answer.toString()).isTrue();
    return answer.get("appendConditionFailed").asBoolean();
  }

  @Test
  void theParallelWritesScriptsAppendWithAConditionAndNoAfter() throws Exception {
    // dcb-parallel-writes.ts: one event tagged uniquely per iteration, the condition on that tag
    // and type only, no "after" (the key is left out, as JSON.stringify drops undefined).
    String query = "{\"items\":[{\"tags\":[\"vu1-iter0\"],\"types\":[\"SomeEvent\"]}]}";
    String body =
        "{\"events\":[{\"type\":\"SomeEvent\",\"tags\":[\"vu1-iter0\"],\"data\":\"{}\"}],"
            + "\"condition\":{\"failIfEventsMatch\":"
            + query
            + "}}";
    assertThat(append(body)).as("the first append of a fresh tag").isFalse();
    assertThat(append(body)).as("the same tag again: the condition fails").isTrue();
    JsonNode events = read(query, null);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).get("data").asText()).isEqualTo("{}");
    assertThat(server.store.headPosition()).isZero();
  }

  @Test
  void theConsistencyFlowReadsTheLastEventAndAppendsAfterIt() throws Exception {
    String query =
        "{\"items\":[{\"types\":[\"A\",\"B\"],\"tags\":[\"t:1\"]},{\"tags\":[\"t:2\"]}]}";
    assertThat(readLastEvent(query)).as("nothing yet").isNull();
    String first =
        "{\"events\":[{\"type\":\"A\",\"tags\":[\"t:1\",\"x\"],\"data\":\"one\"}],"
            + "\"condition\":{\"failIfEventsMatch\":"
            + query
            + "}}";
    assertThat(append(first)).isFalse();
    JsonNode last = readLastEvent(query);
    assertThat(last.get("position").asLong()).isEqualTo(1L);
    assertThat(last.get("type").asText()).isEqualTo("A");
    // An unconditional append in between (the adapter leaves "condition" out).
    assertThat(append("{\"events\":[{\"type\":\"C\",\"tags\":[\"t:2\"],\"data\":\"two\"}]}"))
        .isFalse();
    String decided =
        "{\"events\":[{\"type\":\"B\",\"tags\":[\"t:1\"],\"data\":\"three\"}],"
            + "\"condition\":{\"failIfEventsMatch\":"
            + query
            + ",\"after\":"
            + last.get("position").asLong()
            + "}}";
    assertThat(append(decided)).as("the event in between matches the second item").isTrue();
    last = readLastEvent(query);
    assertThat(last.get("position").asLong()).isEqualTo(2L);
    String redecided = decided.replace(",\"after\":1}", ",\"after\":2}");
    assertThat(append(redecided)).isFalse();
    assertThat(read(query, null)).hasSize(3);
    assertThat(read("{\"items\":[]}", null)).as("no items: every event").hasSize(3);
    assertThat(read("{\"items\":[]}", "{\"from\":2,\"limit\":1}").get(0).get("data").asText())
        .isEqualTo("two");
  }
}
