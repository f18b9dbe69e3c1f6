package dev.factum.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.wire.EventContent;
import dev.factum.wire.ExactJson;
import dev.factum.wire.PageCursor;
import dev.factum.wire.QueryJson;
import dev.factum.wire.Urls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * The JSON wire format of the v1 API, seen from the client: request bodies out, api records in.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>JSON event data and metadata are sent as they are, byte for byte, but only once checked to
 *       be exactly one valid JSON value ({@link ExactJson}): bytes that are not are refused here
 *       ({@code invalid-request}) instead of being spliced into the request, where they could add
 *       fields to it. White space around the value is not part of it and is not sent.
 *   <li>Event content is read back from the response's bytes, not re-serialized from a tree, so an
 *       event appended through the client reads back with the very bytes it was given ({@code -0},
 *       {@code 1e2}, {@code 1.0} included), and an identical resend is recognised as a retry.
 *   <li>A success body missing a field is an {@link UnexpectedResponseException}, never a default.
 * </ul>
 */
final class WireCodec {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(JSON)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private WireCodec() {}

  /** Parses a response body. */
  static JsonNode parse(byte[] body) {
    try {
      return ExactJson.read(JSON, body, true);
    } catch (ExactJson.Malformed e) {
      throw new UncheckedIOException(new IOException("not valid JSON: " + e.getMessage()));
    }
  }

  // ---- requests

  static byte[] appendBody(AppendRequest request) {
    return write(
        json -> {
          json.writeStartObject();
          writeAppend(json, request, false);
          json.writeEndObject();
        });
  }

  static byte[] multiAppendBody(List<AppendRequest> requests) {
    if (requests == null || requests.isEmpty()) {
      throw new InvalidArgumentException("an append needs at least one stream");
    }
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("appends");
          for (AppendRequest request : requests) {
            json.writeStartObject();
            writeAppend(json, request, true);
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  static byte[] importBody(List<RecordedEvent> events) {
    if (events == null || events.isEmpty()) {
      throw new InvalidArgumentException("an import needs at least one event");
    }
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("events");
          for (RecordedEvent event : events) {
            if (event == null || event.id() == null || event.timestamp() == null) {
              throw new InvalidArgumentException("an imported event needs its id and timestamp");
            }
            json.writeStartObject();
            EventContent.writeRecorded(json, event, false, WireCodec::checkedValue);
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  static ImportResult importResult(JsonNode body) {
    return new ImportResult(
        (int) longField(body, "events"),
        longField(body, "firstPosition"),
        longField(body, "position"));
  }

  static void writeAppend(JsonGenerator json, AppendRequest request, boolean withStream)
      throws IOException {
    if (request == null) {
      throw new InvalidArgumentException("append request is missing");
    }
    Urls.checkedStream(request.stream());
    if (withStream) {
      json.writeStringField("stream", request.stream());
    }
    ExpectedRevision expected = request.expected();
    if (expected == null) {
      throw new InvalidArgumentException("expected revision is missing for " + request.stream());
    }
    if (expected instanceof ExpectedRevision.Exact exact) {
      json.writeNumberField("expectedRevision", exact.revision());
    } else {
      json.writeStringField("expectedRevision", expected.toString());
    }
    if (request.events() == null || request.events().isEmpty()) {
      throw new InvalidArgumentException("an append needs at least one event");
    }
    json.writeArrayFieldStart("events");
    for (EventData event : request.events()) {
      writeEvent(json, event);
    }
    json.writeEndArray();
    if (request.condition() != null) {
      json.writeFieldName("condition");
      json.writeRawValue(QueryJson.writeCondition(request.condition()));
    }
  }

  private static void writeEvent(JsonGenerator json, EventData event) throws IOException {
    if (event == null) {
      throw new InvalidArgumentException("event is missing");
    }
    if (event.data() == null) {
      throw new InvalidArgumentException("event data is missing");
    }
    json.writeStartObject();
    if (event.id() != null) {
      json.writeStringField("id", event.id().toString());
    }
    json.writeStringField("type", event.type());
    EventContent.write(
        json,
        event.contentType(),
        event.data(),
        event.metadata(),
        event.tags(),
        WireCodec::checkedValue);
    json.writeEndObject();
  }

  /**
   * {@code bytes} as text to embed in the request as they are, once checked to be exactly one JSON
   * value (so nothing can be spliced into the request), or {@code invalid-request}.
   */
  private static String checkedValue(byte[] bytes, String what) {
    try {
      ExactJson.read(JSON, bytes, true);
    } catch (ExactJson.Malformed e) {
      throw new InvalidArgumentException(
          what + " is not exactly one JSON value: " + e.getMessage());
    }
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }

  @FunctionalInterface
  interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  static byte[] write(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator json = MAPPER.createGenerator(out)) {
      writer.write(json);
    } catch (IOException e) {
      throw new InvalidArgumentException("the request could not be encoded: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  // ---- responses

  static AppendResult appendResult(String stream, JsonNode body) {
    return new AppendResult(
        stream,
        longField(body, "firstRevision"),
        longField(body, "nextExpectedRevision"),
        longField(body, "firstPosition"),
        longField(body, "position"));
  }

  static MultiAppendResult multiAppendResult(JsonNode body) {
    List<AppendResult> results = new ArrayList<>();
    for (JsonNode part : arrayField(body, "results")) {
      results.add(appendResult(textField(part, "stream"), part));
    }
    return new MultiAppendResult(results);
  }

  static StreamState streamState(JsonNode body) {
    String status = textField(body, "status");
    StreamState.Status parsed;
    try {
      parsed = StreamState.Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw malformed("unknown stream status '" + status + "'", body);
    }
    JsonNode last = body.path("lastRevision");
    long lastRevision = last.isIntegralNumber() ? last.asLong() : StreamState.NO_REVISION;
    return new StreamState(textField(body, "stream"), parsed, lastRevision);
  }

  static long headPosition(JsonNode body) {
    return longField(body, "headPosition");
  }

  /**
   * A page of a stream read. The server links the next page only while there is one; at the end of
   * a forward read the embedded store's {@code next} is the revision after the last event returned,
   * or {@code from} when none was (a visible stream read from below its first visible revision
   * always returns events), which is what is rebuilt here.
   */
  static ReadPage streamPage(JsonNode body, long from, Direction direction) {
    return page(body, from, direction, RecordedEvent::revision);
  }

  /** A page of a global-log read: forward pages always link where to continue. */
  static ReadPage logPage(JsonNode body, long from, Direction direction) {
    return page(body, from, direction, RecordedEvent::position);
  }

  /** {@code cursor}: what a forward read continues after (revision or position). */
  private static ReadPage page(
      JsonNode body, long from, Direction direction, ToLongFunction<RecordedEvent> cursor) {
    List<RecordedEvent> events = events(body);
    boolean end = booleanField(body, "endOfRead");
    Long linked = nextFromLink(body);
    long next;
    if (linked != null) {
      next = linked;
    } else if (direction == Direction.BACKWARD) {
      next = -1;
    } else {
      next = events.isEmpty() ? from : cursor.applyAsLong(events.getLast()) + 1;
    }
    return new ReadPage(events, next, end);
  }

  private static Long nextFromLink(JsonNode body) {
    JsonNode link = body.path("next");
    if (!link.isTextual()) {
      return null;
    }
    try {
      return PageCursor.ofLink(link.asText()).from();
    } catch (IllegalArgumentException e) {
      throw malformed("a next link without a position", body);
    }
  }

  private static List<RecordedEvent> events(JsonNode body) {
    List<RecordedEvent> events = new ArrayList<>();
    for (JsonNode event : arrayField(body, "events")) {
      events.add(event(event));
    }
    return events;
  }

  /** One event object, as in pages and SSE {@code data:}. */
  static RecordedEvent event(JsonNode node) {
    String contentType = textField(node, "contentType");
    JsonNode dataNode = node.get("data");
    if (dataNode == null) {
      throw malformed("an event without data", node);
    }
    byte[] data;
    byte[] metadata = null;
    UUID id;
    Instant timestamp;
    try {
      data =
          contentType.equals(EventData.JSON)
              ? exact(node, "data", dataNode)
              : Base64.getDecoder().decode(dataNode.asText());
      JsonNode metadataNode = node.get("metadata");
      if (metadataNode != null && !metadataNode.isNull()) {
        metadata = exact(node, "metadata", metadataNode);
      }
      id = UUID.fromString(textField(node, "id"));
      timestamp = Instant.parse(textField(node, "timestamp"));
    } catch (JsonProcessingException | RuntimeException e) {
      if (e instanceof UnexpectedResponseException known) {
        throw known;
      }
      throw malformed("an undecodable event (" + e.getMessage() + ")", node);
    }
    Set<String> tags = new LinkedHashSet<>();
    for (JsonNode tag : node.path("tags")) {
      tags.add(tag.asText());
    }
    return new RecordedEvent(
        id,
        textField(node, "stream"),
        longField(node, "revision"),
        longField(node, "position"),
        timestamp,
        textField(node, "type"),
        contentType,
        data,
        metadata,
        Set.copyOf(tags));
  }

  /**
   * A member's bytes exactly as the server sent them (re-serialized only for a hand-built tree).
   */
  private static byte[] exact(JsonNode event, String field, JsonNode value)
      throws JsonProcessingException {
    byte[] raw = event instanceof ExactJson.RawObject object ? object.raw(field) : null;
    return raw != null ? raw : MAPPER.writeValueAsBytes(value);
  }

  static String textField(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed("no '" + field + "' string", node);
    }
    return value.asText();
  }

  static long longField(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw malformed("no '" + field + "' number", node);
    }
    return value.asLong();
  }

  static boolean booleanField(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw malformed("no '" + field + "' boolean", node);
    }
    return value.asBoolean();
  }

  static JsonNode arrayField(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw malformed("no '" + field + "' array", node);
    }
    return value;
  }

  private static UnexpectedResponseException malformed(String what, JsonNode node) {
    String text = node.toString();
    return new UnexpectedResponseException(
        200,
        "the server's answer could not be decoded: "
            + what
            + " in "
            + (text.length() > 200 ? text.substring(0, 200) + "..." : text),
        null);
  }
}
