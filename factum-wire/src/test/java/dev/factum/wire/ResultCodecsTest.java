package dev.factum.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ImportResult;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The result, page and state codecs: what the server's writer writes, the client's reader reads
 * back unchanged, and the members written are exactly those the OpenAPI document (the server's
 * published {@code openapi.json}) gives each shape.
 */
class ResultCodecsTest {
  private static final JsonNode SCHEMAS = schemas();

  private static JsonNode schemas() {
    try {
      Path document =
          Path.of("..", "factum-server", "src", "main", "resources", "dev", "factum", "server")
              .resolve("openapi.json");
      return WireJson.mapper()
          .readTree(Files.readAllBytes(document))
          .path("components")
          .path("schemas");
    } catch (IOException e) {
      throw new IllegalStateException("the OpenAPI document is not where it should be", e);
    }
  }

  @FunctionalInterface
  interface Members {
    void write(JsonGenerator json) throws IOException;
  }

  static JsonNode written(Members members) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
      json.writeStartObject();
      members.write(json);
      json.writeEndObject();
    }
    return ExactJson.read(WireJson.factory(), out.toByteArray(), true);
  }

  static Set<String> names(JsonNode object) {
    Set<String> names = new TreeSet<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static Set<String> required(String schema) {
    Set<String> names = new TreeSet<>();
    SCHEMAS.path(schema).path("required").forEach(name -> names.add(name.asText()));
    assertThat(names).as("required members of %s in openapi.json", schema).isNotEmpty();
    return names;
  }

  static Set<String> properties(String schema) {
    Set<String> names = new TreeSet<>();
    SCHEMAS.path(schema).path("properties").fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void appendResultRoundTripsWithTheDocumentedMembers() throws Exception {
    AppendResult result = new AppendResult("order-1", 3, 5, 40, 42);
    JsonNode json = written(out -> AppendResultJson.write(out, result));
    assertThat(names(json))
        .isEqualTo(required("AppendResult"))
        .isEqualTo(properties("AppendResult"));
    assertThat(json.get("nextExpectedRevision").asLong()).isEqualTo(5);
    assertThat(json.get("position").asLong()).isEqualTo(42);
    assertThat(AppendResultJson.read("order-1", json)).isEqualTo(result);
  }

  @Test
  void multiAppendResultRoundTripsWithTheDocumentedMembers() throws Exception {
    MultiAppendResult result =
        new MultiAppendResult(
            List.of(new AppendResult("a-1", 0, 1, 7, 8), new AppendResult("b-2", 4, 4, 9, 9)));
    JsonNode json = written(out -> AppendResultJson.writeAll(out, result));
    assertThat(names(json)).isEqualTo(required("MultiAppendResult"));
    Set<String> part = required("AppendResult");
    part.add("stream");
    for (JsonNode entry : json.get("results")) {
      assertThat(names(entry)).isEqualTo(part);
    }
    assertThat(AppendResultJson.readAll(json)).isEqualTo(result);
  }

  @Test
  void importResultRoundTripsWithTheDocumentedMembers() throws Exception {
    ImportResult result = new ImportResult(3, 10, 12);
    JsonNode json = written(out -> ImportResultJson.write(out, result));
    assertThat(names(json))
        .isEqualTo(required("ImportResult"))
        .isEqualTo(properties("ImportResult"));
    assertThat(ImportResultJson.read(json)).isEqualTo(result);
  }

  @Test
  void streamStateRoundTripsWithTheDocumentedMembersAndANullRevision() throws Exception {
    for (StreamState state :
        List.of(
            new StreamState("order-1", StreamState.Status.ACTIVE, 7),
            new StreamState("order-2", StreamState.Status.TOMBSTONED, 0),
            new StreamState("order-3", StreamState.Status.NONE, StreamState.NO_REVISION))) {
      JsonNode json = written(out -> StreamStateJson.write(out, state));
      assertThat(names(json)).isEqualTo(required("StreamState"));
      List<String> statuses = new ArrayList<>();
      SCHEMAS
          .path("StreamState")
          .path("properties")
          .path("status")
          .path("enum")
          .forEach(value -> statuses.add(value.asText()));
      assertThat(json.get("status").asText())
          .isIn(statuses)
          .isEqualTo(state.status().name().toLowerCase(Locale.ROOT));
      assertThat(json.get("lastRevision").isNull()).isEqualTo(state.lastRevision() < 0);
      assertThat(StreamStateJson.read(json)).isEqualTo(state);
    }
  }

  static final String EVENT =
      "{\"id\":\"0e7c5f5e-4a8e-4c4e-9a7b-6b1f0d2c3a4b\",\"stream\":\"order-1\",\"type\":\"Placed\","
          + "\"revision\":2,\"position\":41,\"timestamp\":\"2026-12-01T08:00:00.123456Z\","
          + "\"contentType\":\"application/json\",\"data\":{\"amount\":19.90, \"x\":-0},"
          + "\"metadata\":{\"by\":\"cli\"},\"tags\":[\"eu\"]}";

  /** Stands in for the server's event writer: the one event of these tests, as it was read. */
  private static void writeEvent(JsonGenerator json, RecordedEvent event) throws IOException {
    assertThat(event.position()).isEqualTo(41);
    json.writeRawValue(EVENT);
  }

  @Test
  void pageRoundTripsWithTheDocumentedMembersAndKeepsEventDataByteForByte() throws Exception {
    RecordedEvent event =
        RecordedEventJson.read(
            ExactJson.read(WireJson.factory(), EVENT.getBytes(StandardCharsets.UTF_8), true));
    assertThat(new String(event.data(), StandardCharsets.UTF_8))
        .isEqualTo("{\"amount\":19.90, \"x\":-0}");
    assertThat(event.position()).isEqualTo(41);
    assertThat(event.revision()).isEqualTo(2);
    assertThat(event.tags()).containsExactly("eu");
    Set<String> eventMembers = new TreeSet<>();
    ExactJson.read(WireJson.factory(), EVENT.getBytes(StandardCharsets.UTF_8), true)
        .fieldNames()
        .forEachRemaining(eventMembers::add);
    assertThat(properties("Event")).containsAll(eventMembers);

    ReadPage page = new ReadPage(List.of(event), 3, false, 1);
    String link = "/streams/order-1?" + new PageCursor(3, Direction.FORWARD, 20).query();
    JsonNode json =
        written(out -> ReadPageJson.write(out, page, link, 99, ResultCodecsTest::writeEvent));
    // A stream's page has every member; a log page all but the stream's firstRevision.
    assertThat(names(json)).isEqualTo(properties("Page"));
    ReadPage logPage = new ReadPage(List.of(event), 3, false);
    assertThat(
            names(
                written(
                    out ->
                        ReadPageJson.write(out, logPage, link, 99, ResultCodecsTest::writeEvent))))
        .isEqualTo(required("Page"));
    ReadPage read = ReadPageJson.readStream(json, 2, Direction.FORWARD);
    assertThat(read.firstRevision()).isEqualTo(1);
    assertThat(read.next()).isEqualTo(3);
    assertThat(read.endOfRead()).isFalse();
    assertThat(read.events()).hasSize(1);
    assertThat(read.events().getFirst().data()).isEqualTo(event.data());
  }

  @Test
  void aPageWithoutALinkContinuesAfterItsLastEventOrFromWhereItStarted() throws Exception {
    RecordedEvent event =
        RecordedEventJson.read(
            ExactJson.read(WireJson.factory(), EVENT.getBytes(StandardCharsets.UTF_8), true));
    JsonNode last =
        written(
            out ->
                ReadPageJson.write(
                    out,
                    new ReadPage(List.of(event), 0, true),
                    null,
                    41,
                    ResultCodecsTest::writeEvent));
    assertThat(last.get("next").isNull()).isTrue();
    assertThat(ReadPageJson.readStream(last, 0, Direction.FORWARD).next()).isEqualTo(3);
    assertThat(ReadPageJson.readLog(last, 0, Direction.FORWARD).next()).isEqualTo(42);
    assertThat(ReadPageJson.readLog(last, 50, Direction.BACKWARD).next()).isEqualTo(-1);
    JsonNode empty =
        written(
            out ->
                ReadPageJson.write(
                    out, new ReadPage(List.of(), 0, true), null, 41, ResultCodecsTest::writeEvent));
    assertThat(ReadPageJson.readLog(empty, 17, Direction.FORWARD).next()).isEqualTo(17);
  }

  @Test
  void aBodyMissingAMemberIsRefusedNotDefaulted() throws Exception {
    JsonNode noPosition =
        tree("{\"firstRevision\":0,\"nextExpectedRevision\":0,\"firstPosition\":0}");
    JsonNode noResults = tree("{}");
    JsonNode textCount = tree("{\"events\":\"1\",\"firstPosition\":0,\"position\":0}");
    JsonNode badStatus = tree("{\"stream\":\"s\",\"status\":\"gone\"}");
    JsonNode noEnd = tree("{\"events\":[],\"next\":null}");
    JsonNode badLink = tree("{\"events\":[],\"next\":\"/all?limit=3\",\"endOfRead\":false}");
    List<Runnable> reads =
        List.of(
            () -> AppendResultJson.read("s", noPosition),
            () -> AppendResultJson.readAll(noResults),
            () -> ImportResultJson.read(textCount),
            () -> StreamStateJson.read(badStatus),
            () -> ReadPageJson.readLog(noEnd, 0, Direction.FORWARD),
            () -> ReadPageJson.readLog(badLink, 0, Direction.FORWARD));
    for (Runnable read : reads) {
      assertThatThrownBy(read::run)
          .isInstanceOf(WireDecodingException.class)
          .hasMessageContaining(" in {");
    }
  }

  private static JsonNode tree(String json) throws IOException {
    return WireJson.mapper().readTree(json);
  }

  @Test
  void theServiceRootCarriesTheHeadAndAReaderStopsAtTheEndOfARead() throws Exception {
    JsonNode root = written(out -> ServiceRootJson.write(out, 41));
    assertThat(names(root)).containsExactlyInAnyOrder("name", "api", "openapi", "headPosition");
    assertThat(ServiceRootJson.headPosition(root)).isEqualTo(41);
    String link = "/all?" + new PageCursor(42, Direction.FORWARD, 5).query();
    JsonNode polling =
        written(
            out ->
                ReadPageJson.write(
                    out,
                    new ReadPage(List.of(), 42, true),
                    link,
                    41,
                    ResultCodecsTest::writeEvent));
    assertThat(ReadPageJson.linkedFrom(polling)).isEqualTo(42);
    assertThat(ReadPageJson.continuesAt(polling)).isNull();
    JsonNode more =
        written(
            out ->
                ReadPageJson.write(
                    out,
                    new ReadPage(List.of(), 42, false),
                    link,
                    99,
                    ResultCodecsTest::writeEvent));
    assertThat(ReadPageJson.continuesAt(more)).isEqualTo(42);
  }
}
