package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.LimitExceededException;
import dev.factum.api.Limits;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of malformed requests sent to every endpoint: each must get a 4xx problem document with
 * a code, never a 5xx, and nothing may be written.
 */
class BadInputCorpusTest {
  @TempDir Path directory;
  TestServer server;

  /** The whole log and the state of every stream the corpus names, before any bad request. */
  private String before;

  @BeforeEach
  void start() throws Exception {
    server = new TestServer(directory);
    server.post(
        "/streams/existing-1",
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{}}]}");
    before = state();
  }

  private String state() throws Exception {
    StringBuilder state = new StringBuilder(server.get("/all?limit=1000").body());
    for (String stream : List.of("existing-1", "s-1", "a-1")) {
      state.append('\n').append(server.get("/streams/" + stream + "/state").body());
    }
    return state.toString();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static final String VALID_EVENT = "{\"type\":\"T\",\"data\":{}}";

  static List<byte[]> badBodies() {
    List<String> bodies = new ArrayList<>();
    bodies.add("");
    bodies.add("not json");
    bodies.add("{");
    bodies.add("[]");
    bodies.add("null");
    bodies.add("42");
    bodies.add("{\"expectedRevision\":\"any\"}");
    bodies.add("{\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":{}}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[1]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[{}]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\"}]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[{\"type\":7,\"data\":{}}]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"\",\"data\":{}}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"id\":\"nope\"}]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"id\":7}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":[1]}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"tags\":\"x\"}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"tags\":[1]}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"tags\":[\"a\\nb\"]}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"contentType\":\"text/xml\"}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"contentType\":\"application/octet-stream\"}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":\"!!\",\"contentType\":\"application/octet-stream\"}]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"extra\":1}]}");
    bodies.add("{\"expectedRevision\":\"whenever\",\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":-1,\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":1.5,\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":true,\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":99999999999999999999,\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":\"9999999999999999999\",\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":\"any\",\"events\":[" + VALID_EVENT + "]} trailing");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"expectedRevision\":\"any\",\"events\":["
            + VALID_EVENT
            + "]}");
    bodies.add(
        "{\"expectedRevision\":\"any\",\"events\":[" + VALID_EVENT + "],\"expectedVersion\":1}");
    bodies.add("{\"appends\":[]}");
    bodies.add("{\"appends\":[{\"expectedRevision\":\"any\",\"events\":[" + VALID_EVENT + "]}]}");
    bodies.add(
        "{\"appends\":[{\"stream\":\"\",\"expectedRevision\":\"any\",\"events\":["
            + VALID_EVENT
            + "]}]}");
    bodies.add(
        "{\"appends\":[{\"stream\":\"$all\",\"expectedRevision\":\"any\",\"events\":["
            + VALID_EVENT
            + "]}]}");
    bodies.add(
        "{\"appends\":[{\"stream\":7,\"expectedRevision\":\"any\",\"events\":["
            + VALID_EVENT
            + "]}]}");
    bodies.add("{\"appends\":[1]}");
    // A revision is a JSON number: a string holding one is refused, as the schema says.
    bodies.add("{\"expectedRevision\":\"1\",\"events\":[" + VALID_EVENT + "]}");
    bodies.add("{\"expectedRevision\":\"0\",\"events\":[" + VALID_EVENT + "]}");
    // DCB conditions: malformed queries, unknown members, negative or non-integer positions,
    // too many items or terms, names that break the name rules.
    String tooManyItems = "{\"tags\":[\"t\"]},".repeat(32) + "{\"tags\":[\"t\"]}";
    StringBuilder terms = new StringBuilder("\"t0\"");
    for (int i = 1; i <= 32; i++) {
      terms.append(",\"t").append(i).append('"');
    }
    for (String condition :
        List.of(
            "1",
            "[]",
            "{}",
            "{\"after\":1}",
            "{\"failIfEventsMatch\":[]}",
            "{\"failIfEventsMatch\":{}}",
            "{\"failIfEventsMatch\":{\"items\":{}}}",
            "{\"failIfEventsMatch\":{\"items\":[1]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"types\":\"A\"}]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[1]}]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"a\",\"a\"]}]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"\"]}]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[\"a\\u0001b\"]}]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"tag\":[\"a\"]}]}}",
            "{\"failIfEventsMatch\":{\"items\":[],\"limit\":1}}",
            "{\"failIfEventsMatch\":{\"items\":[]},\"after\":-1}",
            "{\"failIfEventsMatch\":{\"items\":[]},\"after\":1.5}",
            "{\"failIfEventsMatch\":{\"items\":[]},\"after\":\"3\"}",
            "{\"failIfEventsMatch\":{\"items\":[]},\"after\":99999999999999999999}",
            "{\"failIfEventsMatch\":{\"items\":[]},\"before\":3}",
            "{\"failIfEventsMatch\":{\"items\":[" + tooManyItems + "]}}",
            "{\"failIfEventsMatch\":{\"items\":[{\"tags\":[" + terms + "]}]}}")) {
      bodies.add(
          "{\"expectedRevision\":\"any\",\"events\":["
              + VALID_EVENT
              + "],\"condition\":"
              + condition
              + "}");
      bodies.add(
          "{\"appends\":[{\"stream\":\"a-1\",\"expectedRevision\":\"any\",\"events\":["
              + VALID_EVENT
              + "],\"condition\":"
              + condition
              + "}]}");
    }
    // Lone surrogates, escaped, anywhere a string may be: data, metadata, keys, names, ids, tags.
    for (String lone : List.of("\\ud800", "\\udfff", "x\\ud83dy", "\\ude00\\ud83d")) {
      String event = "{\"type\":\"T\",\"data\":{}}";
      for (String bad :
          List.of(
              "{\"type\":\"T\",\"data\":{\"s\":\"" + lone + "\"}}",
              "{\"type\":\"T\",\"data\":\"" + lone + "\"}",
              "{\"type\":\"T\",\"data\":[[\"ok\",\"" + lone + "\"]]}",
              "{\"type\":\"T\",\"data\":{\"" + lone + "\":1}}",
              "{\"type\":\"T\",\"data\":{},\"metadata\":{\"by\":\"" + lone + "\"}}",
              "{\"type\":\"T\",\"data\":{},\"metadata\":{\"" + lone + "\":1}}",
              "{\"type\":\"" + lone + "\",\"data\":{}}",
              "{\"type\":\"T\",\"data\":{},\"tags\":[\"" + lone + "\"]}",
              "{\"type\":\"T\",\"data\":{},\"id\":\"" + lone + "\"}",
              "{\"type\":\"T\",\"data\":{},\"contentType\":\"" + lone + "\"}")) {
        bodies.add("{\"expectedRevision\":\"any\",\"events\":[" + bad + "]}");
      }
      bodies.add(
          "{\"appends\":[{\"stream\":\"s"
              + lone
              + "-1\",\"expectedRevision\":\"any\",\"events\":["
              + event
              + "]}]}");
      bodies.add("{\"expectedRevision\":\"" + lone + "\",\"events\":[" + event + "]}");
    }
    List<byte[]> bytes = new ArrayList<>();
    for (String body : bodies) {
      bytes.add(body.getBytes(StandardCharsets.UTF_8));
    }
    bytes.add(new byte[] {'{', '"', 'e', (byte) 0xC3, '"', ':', '1', '}'}); // invalid UTF-8
    bytes.add(new byte[] {(byte) 0xFF, (byte) 0xFE});
    // Raw invalid UTF-8 inside event content: an encoded surrogate, an overlong '/', a cut
    // sequence, a byte above U+10FFFF; in data, metadata and the type.
    for (byte[] raw :
        List.of(
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            new byte[] {(byte) 0xC0, (byte) 0xAF},
            new byte[] {(byte) 0xE2, (byte) 0x9C},
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
      for (String template :
          List.of(
              "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{\"s\":\"@\"}}]}",
              "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":{},\"metadata\":{\"@\":1}}]}",
              "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T@\",\"data\":{}}]}")) {
        int at = template.indexOf('@');
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(template.substring(0, at).getBytes(StandardCharsets.UTF_8));
        body.writeBytes(raw);
        body.writeBytes(template.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        bytes.add(body.toByteArray());
      }
    }
    return bytes;
  }

  static List<String> badPaths() {
    List<String> paths = new ArrayList<>();
    paths.add("/streams/%24system");
    paths.add("/streams/a%00b");
    paths.add("/streams/a%0Ab");
    paths.add("/streams/%C3");
    paths.add("/streams/%D8%00");
    paths.add("/streams/" + "x".repeat(300));
    return paths;
  }

  @Test
  void everyBadAppendBodyIsA4xxProblemAndWritesNothing() throws Exception {
    for (String path : List.of("/streams/s-1", "/append")) {
      for (byte[] body : badBodies()) {
        TestServer.Reply reply =
            server.send(
                HttpRequest.newBuilder(server.uri(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build());
        assertProblem(reply, path + " " + new String(body, StandardCharsets.UTF_8));
      }
    }
    assertNothingWritten();
  }

  /** Bodies that are wrong for every group route: shapes, types, ranges, settings. */
  private static List<String> badGroupBodies() {
    List<String> bodies = new ArrayList<>();
    for (byte[] body : badBodies()) {
      bodies.add(new String(body, StandardCharsets.UTF_8));
    }
    bodies.addAll(
        List.of(
            "{\"name\":\"\"}",
            "{\"name\":7}",
            "{\"name\":\"g2\",\"settings\":{\"maxInFlight\":0}}",
            "{\"name\":\"g2\",\"settings\":{\"ackTimeoutMillis\":0}}",
            "{\"name\":\"g2\",\"settings\":{\"maxRetries\":-1}}",
            "{\"name\":\"g2\",\"settings\":{\"retryBackoffMillis\":1.5}}",
            "{\"name\":\"g2\",\"settings\":{\"maxInFlight\":1,\"colour\":1}}",
            "{\"name\":\"g2\",\"source\":{\"stream\":\"\"}}",
            "{\"name\":\"g2\",\"source\":{\"category\":[]}}",
            "{\"name\":\"g2\",\"source\":{\"stream\":\"a-1\",\"tag\":[\"t\"]}}",
            "{\"name\":\"g2\",\"start\":-1}",
            "{\"name\":\"g2\",\"start\":\"later\"}",
            "{\"consumer\":\"c\",\"positions\":[]}",
            "{\"consumer\":\"c\",\"positions\":[-1]}",
            "{\"consumer\":\"c\",\"positions\":[0.5]}",
            "{\"consumer\":7,\"positions\":[0]}",
            "{\"consumer\":\"c\",\"max\":0}",
            "{\"consumer\":\"c\",\"wait\":99999}",
            "{\"consumer\":\"c\",\"positions\":[0],\"reason\":5}",
            "{\"maxInFlight\":-1}",
            "{\"ackTimeoutMillis\":0}",
            "{\"positions\":\"0\"}"));
    return bodies;
  }

  @Test
  void everyBadGroupRequestIsA4xxProblemAndChangesNothing() throws Exception {
    assertThat(server.post("/groups", "{\"name\":\"g\"}").status()).isEqualTo(201);
    String group = groupState();
    for (Route route : Route.values()) {
      if (!route.template.startsWith("/groups")
          || route.method.equals("GET")
          || route.method.equals("DELETE")) {
        continue;
      }
      String path = route.template.replace("{group}", "g");
      for (String body : badGroupBodies()) {
        TestServer.Reply reply =
            server.send(
                HttpRequest.newBuilder(server.uri(path))
                    .header("Content-Type", "application/json")
                    .method(route.method, HttpRequest.BodyPublishers.ofString(body))
                    .build());
        assertProblem(reply, route + " " + body);
      }
    }
    // an unknown group, and an ack of an event never delivered
    for (String path : List.of("/groups/nope/ack", "/groups/nope/poll", "/groups/g/ack")) {
      assertProblem(server.post(path, "{\"consumer\":\"c\",\"positions\":[0]}"), path);
    }
    assertProblem(server.get("/groups/nope"), "GET /groups/nope");
    assertProblem(server.delete("/groups/nope"), "DELETE /groups/nope");
    assertProblem(server.get("/groups/g/processed?position=x"), "processed x");
    assertThat(groupState()).isEqualTo(group);
    assertThat(server.get("/groups").json().get("groups")).hasSize(1);
    assertNothingWritten();
  }

  /** What a refused group request must not change: settings, checkpoint, work in flight. */
  private String groupState() throws Exception {
    JsonNode status = server.get("/groups/g").json();
    return status.get("settings")
        + " "
        + status.get("checkpoint")
        + " "
        + status.get("inFlight")
        + " "
        + status.get("parked")
        + " "
        + status.get("delivered");
  }

  @Test
  void badStreamNamesAreRejectedOnEveryStreamEndpoint() throws Exception {
    for (String path : badPaths()) {
      assertProblem(
          server.post(path, "{\"expectedRevision\":\"any\",\"events\":[" + VALID_EVENT + "]}"),
          "POST " + path);
      assertProblem(server.get(path), "GET " + path);
      assertProblem(server.get(path + "/state"), "GET state " + path);
      assertProblem(server.get(path + "/events"), "GET events " + path);
      assertProblem(server.delete(path + "?expectedRevision=any"), "DELETE " + path);
    }
    assertNothingWritten();
  }

  @Test
  void badQueryParametersAreRejected() throws Exception {
    for (String query :
        List.of(
            "/all?from=-1",
            "/all?from=abc",
            "/all?from=1.5",
            "/all?from=99999999999999999999",
            "/all?limit=0",
            "/all?limit=-3",
            "/all?limit=100000",
            "/all?limit=x",
            "/all?direction=up",
            "/all?wait=-1",
            "/all?wait=3600",
            "/all?wait=soon",
            "/all?category=",
            "/all?type=a%0Ab",
            "/all?tag=a&type=b",
            "/all?query=",
            "/all?query=nope",
            "/all?query=%7B%7D",
            "/all?query=%7B%22items%22%3A1%7D",
            "/all?query=%7B%22items%22%3A%5B%7B%22typ%22%3A%5B%22A%22%5D%7D%5D%7D",
            "/all?query=%7B%22items%22%3A%5B%7B%22tags%22%3A%5B%22%22%5D%7D%5D%7D",
            "/all?query=%7B%22items%22%3A%5B%5D%7D&tag=a",
            "/all?query=%7B%22items%22%3A%5B%5D%7D&query=%7B%22items%22%3A%5B%5D%7D",
            "/all/events?query=%5B%5D",
            "/all?from=1&from=2",
            "/all/events?from=-1",
            "/all/events?category=%00",
            "/streams/existing-1?from=-1",
            "/streams/existing-1?direction=sideways",
            "/streams/existing-1?limit=0",
            "/streams/existing-1/events?from=x",
            // unknown parameters, on every route that takes some and on those that take none
            "/all?categroy=payment",
            "/all?category=order&limt=5",
            "/all?=x",
            "/all/events?limit=5",
            "/all/events?wait=1",
            "/streams/existing-1?category=order",
            "/streams/existing-1?wait=1",
            "/streams/existing-1/events?category=order",
            "/streams/existing-1/state?from=0",
            "/?x=1",
            "/health/live?verbose",
            "/health/ready?x=1",
            "/metrics?format=json",
            "/openapi.json?v=2",
            // a single-valued parameter given twice is refused, never first- or last-wins
            "/all?direction=forward&direction=backward",
            "/all?limit=1&limit=2",
            "/all?wait=1&wait=1",
            "/streams/existing-1?from=0&from=0")) {
      assertProblem(server.get(query), query);
    }
    TestServer.Reply typo = server.get("/all?categroy=payment");
    assertThat(typo.status()).isEqualTo(400);
    assertThat(typo.json().get("code").asText()).isEqualTo("invalid-request");
    assertThat(typo.json().get("detail").asText())
        .contains("'categroy'")
        .contains("from, direction, limit, category, type, tag, query, wait");
    for (String post : List.of("/streams/s-1?expectedRevision=any", "/append?dryRun=true")) {
      String body =
          post.startsWith("/append")
              ? "{\"appends\":[{\"stream\":\"s-1\",\"expectedRevision\":\"any\",\"events\":["
                  + VALID_EVENT
                  + "]}]}"
              : "{\"expectedRevision\":\"any\",\"events\":[" + VALID_EVENT + "]}";
      assertProblem(server.post(post, body), "POST " + post);
    }
    for (String id : List.of("abc", "-1", "1.5", "99999999999999999999")) {
      TestServer.Reply reply =
          server.send(
              HttpRequest.newBuilder(server.uri("/all/events"))
                  .header("Last-Event-ID", id)
                  .GET()
                  .build());
      assertProblem(reply, "Last-Event-ID " + id);
    }
    for (String delete :
        List.of(
            "/streams/existing-1",
            "/streams/existing-1?expectedRevision=soon",
            "/streams/existing-1?expectedRevision=-2",
            "/streams/existing-1?expectedRevision=any&tombstone=yes",
            "/streams/existing-1?expectedRevision=any&tombstone=true&tombstone=false",
            "/streams/existing-1?expectedRevision=any&hard=true")) {
      assertProblem(server.delete(delete), delete);
    }
    assertNothingWritten();
  }

  @Test
  void wrongContentTypesAndOversizedBodiesAreRejected() throws Exception {
    String valid = "{\"expectedRevision\":\"any\",\"events\":[" + VALID_EVENT + "]}";
    for (String type : List.of("text/plain", "application/xml", "application/jsonp")) {
      TestServer.Reply reply =
          server.send(
              HttpRequest.newBuilder(server.uri("/streams/s-1"))
                  .header("Content-Type", type)
                  .POST(HttpRequest.BodyPublishers.ofString(valid))
                  .build());
      assertThat(reply.status()).isEqualTo(415);
      assertProblem(reply, type);
    }
    TestServer.Reply none =
        server.send(
            HttpRequest.newBuilder(server.uri("/streams/s-1"))
                .POST(HttpRequest.BodyPublishers.ofString(valid))
                .build());
    assertThat(none.status()).isEqualTo(415);

    String bigData = "\"" + "x".repeat((1 << 20) + 10) + "\"";
    TestServer.Reply bigEvent =
        server.post(
            "/streams/s-1",
            "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"T\",\"data\":"
                + bigData
                + "}]}");
    assertThat(bigEvent.status()).isEqualTo(413);
    assertThat(bigEvent.json().get("code").asText()).isEqualTo("limit-exceeded");

    // A body over the limit is refused from its Content-Length, before any of it is read: sent
    // raw, so the answer is read without racing a client still sending 32 MiB into a closed socket.
    try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST /streams/s-1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                      + "\r\nContent-Length: "
                      + ((32 << 20) + 100)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).startsWith("HTTP/1.1 413");
    }

    StringBuilder many = new StringBuilder("{\"expectedRevision\":\"any\",\"events\":[");
    for (int i = 0; i <= 10_000; i++) {
      many.append(i == 0 ? "" : ",").append(VALID_EVENT);
    }
    TestServer.Reply tooMany = server.post("/streams/s-1", many.append("]}").toString());
    assertThat(tooMany.status()).isEqualTo(413);
    assertNothingWritten();
  }

  /** A request over a store limit, and the limit its problem must name. */
  private record OverLimit(String what, String limit, TestServer.Reply reply) {}

  private static String events(int count, String event) {
    StringBuilder events = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      events.append(i == 0 ? "" : ",").append(event);
    }
    return events.append(']').toString();
  }

  private static String append(String events) {
    return "{\"expectedRevision\":\"any\",\"events\":" + events + "}";
  }

  @Test
  void everyRequestOverAStoreLimitIs413LimitExceededNamingItAndWritesNothing() throws Exception {
    Limits limits = server.store.options().limits();
    String longName = "n".repeat(limits.maxNameBytes() + 1);
    String mib = "{\"type\":\"T\",\"data\":\"" + "x".repeat(limits.maxEventBytes() - 2) + "\"}";
    String over = "{\"type\":\"T\",\"data\":\"" + "x".repeat(limits.maxEventBytes() - 1) + "\"}";
    StringBuilder manyTags = new StringBuilder();
    for (int i = 0; i <= limits.maxTagsPerEvent(); i++) {
      manyTags.append(i == 0 ? "\"" : ",\"").append("t").append(i).append('"');
    }
    String half = events(limits.maxEventsPerAppend() / 2 + 1, VALID_EVENT);
    StringBuilder imports = new StringBuilder("{\"events\":[");
    for (int i = 0; i <= limits.maxEventsPerAppend(); i++) {
      imports
          .append(i == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(UUID.randomUUID())
          .append("\",\"stream\":\"s-1\",\"revision\":")
          .append(i)
          .append(",\"timestamp\":\"2026-01-01T00:00:00Z\",\"type\":\"T\",\"data\":{}}");
    }
    String maxEvents = "maxEventsPerAppend";
    List<OverLimit> requests =
        List.of(
            new OverLimit(
                "event data",
                "maxEventBytes",
                server.post("/streams/s-1", append("[" + over + "]"))),
            new OverLimit(
                "event count",
                maxEvents,
                server.post(
                    "/streams/s-1", append(events(limits.maxEventsPerAppend() + 1, VALID_EVENT)))),
            new OverLimit(
                "append bytes",
                "maxAppendBytes",
                server.post(
                    "/streams/s-1",
                    append(events(limits.maxAppendBytes() / limits.maxEventBytes() + 1, mib)))),
            new OverLimit(
                "events of a multi-stream append together",
                maxEvents,
                server.post(
                    "/append",
                    "{\"appends\":[{\"stream\":\"a-1\",\"expectedRevision\":\"any\",\"events\":"
                        + half
                        + "},{\"stream\":\"s-1\",\"expectedRevision\":\"any\",\"events\":"
                        + half
                        + "}]}")),
            new OverLimit(
                "import count", maxEvents, server.post("/import", imports.append("]}").toString())),
            new OverLimit(
                "event type",
                "maxNameBytes",
                server.post(
                    "/streams/s-1", append("[{\"type\":\"" + longName + "\",\"data\":{}}]"))),
            new OverLimit(
                "tag",
                "maxNameBytes",
                server.post(
                    "/streams/s-1",
                    append("[{\"type\":\"T\",\"data\":{},\"tags\":[\"" + longName + "\"]}]"))),
            new OverLimit(
                "tag count",
                "maxTagsPerEvent",
                server.post(
                    "/streams/s-1",
                    append("[{\"type\":\"T\",\"data\":{},\"tags\":[" + manyTags + "]}]"))),
            new OverLimit(
                "stream name of an append",
                "maxNameBytes",
                server.post("/streams/" + longName, append("[" + VALID_EVENT + "]"))),
            new OverLimit(
                "stream name of a read", "maxNameBytes", server.get("/streams/" + longName)),
            new OverLimit(
                "stream name of a state",
                "maxNameBytes",
                server.get("/streams/" + longName + "/state")),
            new OverLimit(
                "stream name of a feed",
                "maxNameBytes",
                server.get("/streams/" + longName + "/events")),
            new OverLimit(
                "stream name of a delete",
                "maxNameBytes",
                server.delete("/streams/" + longName + "?expectedRevision=any")),
            new OverLimit("filter value", "maxNameBytes", server.get("/all?category=" + longName)),
            new OverLimit(
                "filter value of a feed",
                "maxNameBytes",
                server.get("/all/events?category=" + longName)),
            new OverLimit(
                "page size of the log",
                "maxReadLimit",
                server.get("/all?limit=" + (limits.maxReadLimit() + 1))),
            new OverLimit(
                "page size of a stream",
                "maxReadLimit",
                server.get("/streams/existing-1?limit=" + (limits.maxReadLimit() + 1))));
    for (OverLimit request : requests) {
      TestServer.Reply reply = request.reply();
      assertThat(reply.status())
          .as("status of %s: %s", request.what(), reply.body())
          .isEqualTo(413);
      assertThat(reply.contentType()).as(request.what()).isEqualTo("application/problem+json");
      JsonNode problem = reply.json();
      assertThat(problem.get("code").asText()).as(request.what()).isEqualTo("limit-exceeded");
      assertThat(problem.get("limit").asText()).as(request.what()).isEqualTo(request.limit());
      long max = LimitExceededException.Limit.byId(request.limit()).orElseThrow().in(limits);
      assertThat(problem.get("max").asLong()).as(request.what()).isEqualTo(max);
      assertThat(problem.get("actual").asLong()).as(request.what()).isGreaterThan(max);
    }
    // The nine writes among them are counted by their result.
    assertThat(server.get("/metrics").body().lines())
        .contains("factum_appends_total{result=\"limit-exceeded\"} 9.0");
    assertNothingWritten();
  }

  @Test
  void aBodyOverTheServersCapIsPayloadTooLargeWithoutContentLengthToo() throws Exception {
    server.close();
    Path other = directory.resolve("capped");
    long cap = 1024;
    server = new TestServer(other, ServerConfig.DEFAULT.withPort(0).withMaxRequestBytes(cap));
    // Within every store limit, over the server's cap: sent chunked, so no Content-Length says so
    // up front and the server must stop reading at the cap.
    byte[] body =
        append("[{\"type\":\"T\",\"data\":\"" + "x".repeat(2 * (int) cap) + "\"}]")
            .getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
      socket.setSoTimeout(30_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(
          ("POST /streams/s-1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                  + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  + Integer.toHexString(body.length)
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(body);
      request.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(request.toByteArray());
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 413").contains("\"code\":\"payload-too-large\"");
    }
    assertThat(server.store.headPosition()).isEqualTo(-1);
  }

  @Test
  void malformedPercentEscapesSentRawAreRejected() throws Exception {
    for (String path : List.of("/streams/%ZZ", "/streams/%4", "/all?category=%G1")) {
      try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
        socket
            .getOutputStream()
            .write(
                ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String response =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).as(path).startsWith("HTTP/1.1 400");
      }
    }
    assertNothingWritten();
  }

  private void assertProblem(TestServer.Reply reply, String what) {
    assertThat(reply.status()).as("status of %s: %s", what, reply.body()).isBetween(400, 499);
    assertThat(reply.contentType())
        .as("content type of %s", what)
        .isEqualTo("application/problem+json");
    assertThat(reply.json().get("code").asText()).as("code of %s", what).isNotBlank();
  }

  /** The whole state is as {@link #start()} left it: the same log and stream states, verified. */
  private void assertNothingWritten() throws Exception {
    assertThat(server.store.headPosition()).isEqualTo(0);
    assertThat(state()).isEqualTo(before);
    assertThat(server.store.verify().ok()).isTrue();
  }
}
