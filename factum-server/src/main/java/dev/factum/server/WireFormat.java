package dev.factum.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.AppendCondition;
import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.Limits;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.AppendDecoder;
import dev.factum.wire.ExactJson;
import dev.factum.wire.GroupJson;
import dev.factum.wire.QueryJson;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The JSON wire format of the v1 API: parsing request bodies strictly, and writing events.
 *
 * <p>Parsing is strict on purpose, since a typo must not silently change meaning: unknown fields,
 * duplicate keys, trailing content and wrong types are all {@code invalid-request}. What it does
 * not do: check sizes, counts or name lengths against the store's {@link Limits}. The store's
 * validator is the one place those are checked (answered 413 {@code limit-exceeded}); what bounds
 * the memory a request can take here is the body cap, {@link ServerConfig#maxRequestBytes()}, which
 * {@link Request#jsonBody} enforces before any parsing.
 *
 * <p>{@code data} is any JSON value for {@code application/json} events, stored byte for byte as
 * sent (white space, escapes and number spellings such as {@code -0}, {@code 1.0} or {@code 1e2}
 * included: see {@link ExactJson}), and a base64 string for {@code application/octet-stream}. The
 * same holds for {@code metadata}. On the way out, JSON data is written back verbatim and binary
 * data as base64.
 */
final class WireFormat {
  static final JsonFactory JSON = WireJson.factory();
  private static final Set<String> APPEND_FIELDS =
      Set.of("expectedRevision", "events", "condition");
  private static final Set<String> PART_FIELDS =
      Set.of("stream", "expectedRevision", "events", "condition");
  private static final Set<String> EVENT_FIELDS =
      Set.of("id", "type", "data", "metadata", "tags", "contentType", "subject");

  /** Parses a body into a JSON object, or fails with {@code invalid-request}. */
  static ObjectNode parseObject(byte[] body) {
    JsonNode parsed;
    try {
      parsed = ExactJson.read(JSON, body, false);
    } catch (ExactJson.Malformed e) {
      throw HttpProblem.badRequest(detail(e));
    }
    if (!parsed.isObject()) {
      throw HttpProblem.badRequest("the body must be a JSON object");
    }
    return (ObjectNode) parsed;
  }

  /** The server's wording of a malformed body. */
  private static String detail(ExactJson.Malformed e) {
    return switch (e.kind()) {
      case NOT_UTF8 ->
          "the body is not valid UTF-8: byte " + e.at() + " starts a malformed sequence";
      case SURROGATE ->
          String.format(
              "a JSON string at /%s holds an unpaired surrogate (\\u%04x): strings must be"
                  + " valid Unicode",
              e.path(), e.at());
      // A number Jackson's lexer accepts but cannot convert (found by HttpRequestFuzzTest): bad
      // input, not a server error.
      case NUMBER -> "the body holds a number out of range: " + e.getMessage();
      case EMPTY -> "the body is not valid JSON: it is empty";
      case TRAILING -> "the body is not valid JSON: content after the value";
      case BYTE_ORDER_MARK, SYNTAX -> "the body is not valid JSON: " + e.getMessage();
    };
  }

  /** The bytes of member {@code name} of an event object exactly as sent. */
  private static byte[] raw(JsonNode node, String name) {
    byte[] bytes = node instanceof ExactJson.RawObject object ? object.raw(name) : null;
    if (bytes == null) {
      throw new IllegalStateException("no raw bytes kept for member " + name);
    }
    return bytes;
  }

  /**
   * {@code POST /streams/{stream}}: one stream's append; read in one pass when {@link
   * AppendDecoder} can vouch for the body, else through the tree, which decides every refusal.
   */
  AppendRequest parseAppend(String stream, byte[] body) {
    AppendDecoder.Append fast = AppendDecoder.fast(body);
    if (fast != null) {
      return new AppendRequest(stream, fast.expected(), fast.events(), null);
    }
    return parseAppendTree(stream, body);
  }

  /** {@link #parseAppend} through the {@link ExactJson} tree. */
  AppendRequest parseAppendTree(String stream, byte[] body) {
    ObjectNode root = parseObject(body);
    onlyFields(root, APPEND_FIELDS, "append");
    List<EventData> events = parseEvents(root.get("events"));
    return new AppendRequest(
        stream, parseExpected(root.get("expectedRevision")), events, condition(root));
  }

  /** The optional DCB {@code condition} of an append (see {@link QueryJson#readCondition}). */
  private static AppendCondition condition(JsonNode append) {
    JsonNode condition = append.get("condition");
    return condition == null ? null : QueryJson.readCondition(condition);
  }

  /** {@code POST /append}: an atomic append to several streams. */
  List<AppendRequest> parseMultiAppend(byte[] body) {
    ObjectNode root = parseObject(body);
    onlyFields(root, Set.of("appends"), "multi-stream append");
    JsonNode appends = root.get("appends");
    if (appends == null || !appends.isArray() || appends.isEmpty()) {
      throw HttpProblem.badRequest("'appends' must be a non-empty array");
    }
    List<AppendRequest> parts = new ArrayList<>();
    for (JsonNode part : appends) {
      if (!part.isObject()) {
        throw HttpProblem.badRequest("each entry of 'appends' must be an object");
      }
      onlyFields((ObjectNode) part, PART_FIELDS, "append entry");
      JsonNode stream = part.get("stream");
      if (stream == null || !stream.isTextual()) {
        throw HttpProblem.badRequest("each entry of 'appends' needs a 'stream' string");
      }
      List<EventData> events = parseEvents(part.get("events"));
      parts.add(
          new AppendRequest(
              stream.textValue(),
              parseExpected(part.get("expectedRevision")),
              events,
              condition(part)));
    }
    return parts;
  }

  /** An ack-append: the append of one stream, and the positions of a group it acks. */
  record GroupAppend(String consumer, List<Long> positions, AppendRequest append) {}

  /**
   * {@code POST /groups/{group}/append}: {@code consumer}, {@code positions} and one stream's
   * append ({@code stream}, {@code expectedRevision}, {@code events}, {@code condition}).
   */
  GroupAppend parseGroupAppend(byte[] body) {
    AppendDecoder.GroupAppend fast = AppendDecoder.fastGroupAppend(body);
    if (fast != null) {
      return new GroupAppend(
          fast.consumer(),
          fast.positions(),
          new AppendRequest(fast.stream(), fast.append().expected(), fast.append().events(), null));
    }
    return parseGroupAppendTree(body);
  }

  /** {@link #parseGroupAppend} through the {@link ExactJson} tree. */
  GroupAppend parseGroupAppendTree(byte[] body) {
    ObjectNode root = parseObject(body);
    Set<String> fields = new HashSet<>(PART_FIELDS);
    fields.add("consumer");
    fields.add("positions");
    onlyFields(root, fields, "ack-append");
    JsonNode stream = root.get("stream");
    if (stream == null || !stream.isTextual()) {
      throw HttpProblem.badRequest("an ack-append needs a 'stream' string");
    }
    AppendRequest append =
        new AppendRequest(
            stream.textValue(),
            parseExpected(root.get("expectedRevision")),
            parseEvents(root.get("events")),
            condition(root));
    return new GroupAppend(GroupJson.consumer(root), GroupJson.positions(root), append);
  }

  /**
   * {@code POST /import}: events as {@code GET /all} renders them (and as {@code factum export}
   * writes them), with their stream, revision and timestamp. {@code position} may be present (so an
   * exported line can be sent as it is) and is ignored: the importing store assigns positions.
   */
  List<RecordedEvent> parseImport(byte[] body) {
    ObjectNode root = parseObject(body);
    onlyFields(root, Set.of("events"), "import");
    JsonNode node = root.get("events");
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw HttpProblem.badRequest("'events' must be a non-empty array");
    }
    List<RecordedEvent> events = new ArrayList<>(node.size());
    for (JsonNode entry : node) {
      // Data and metadata are kept as the exact bytes sent (an export carries them as they were
      // stored), so a copy is byte for byte.
      EventData data = parseEvent(entry, IMPORT_FIELDS, "imported event");
      if (data.id() == null) {
        throw HttpProblem.badRequest("an imported event needs its 'id'");
      }
      String stream = requiredText(entry, "stream");
      JsonNode revision = entry.get("revision");
      if (revision == null || !revision.isIntegralNumber() || !revision.canConvertToLong()) {
        throw HttpProblem.badRequest("imported event 'revision' must be an integer");
      }
      Instant timestamp;
      try {
        timestamp = Instant.parse(requiredText(entry, "timestamp"));
      } catch (DateTimeParseException e) {
        throw HttpProblem.badRequest(
            "imported event 'timestamp' must be an ISO-8601 instant such as"
                + " 2026-12-01T08:00:00.123456Z");
      }
      events.add(
          new RecordedEvent(
              data.id(),
              stream,
              revision.longValue(),
              -1,
              timestamp,
              data.type(),
              data.contentType(),
              data.data(),
              data.metadata(),
              data.tags(),
              data.subject(),
              redacted(entry)));
    }
    return events;
  }

  private static final Set<String> IMPORT_FIELDS =
      Set.of(
          "id",
          "stream",
          "type",
          "revision",
          "position",
          "timestamp",
          "contentType",
          "data",
          "metadata",
          "tags",
          "subject",
          "redacted");

  static ExpectedRevision parseExpected(JsonNode node) {
    if (node == null || node.isNull()) {
      throw HttpProblem.badRequest(
          "'expectedRevision' is required: a revision, or \"any\", \"no_stream\" or \"exists\"");
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return ExpectedRevision.exact(node.longValue());
    }
    if (node.isTextual()) {
      String text = node.textValue();
      if (!text.equals("any") && !text.equals("no_stream") && !text.equals("exists")) {
        // "1" is not the number 1: the schema says number or one of three words, and a client
        // that quotes its revision is likely to have other strings where numbers belong.
        throw HttpProblem.badRequest(
            "'expectedRevision' must be a revision as a JSON number (1, not \"1\"), or \"any\", "
                + "\"no_stream\" or \"exists\"; was \""
                + text
                + "\"");
      }
      return ExpectedRevision.parse(text);
    }
    throw HttpProblem.badRequest(
        "'expectedRevision' must be a revision >= 0, or \"any\", \"no_stream\" or \"exists\"");
  }

  private List<EventData> parseEvents(JsonNode node) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw HttpProblem.badRequest("'events' must be a non-empty array");
    }
    List<EventData> events = new ArrayList<>(node.size());
    for (JsonNode event : node) {
      events.add(parseEvent(event, EVENT_FIELDS, "event"));
    }
    return events;
  }

  private EventData parseEvent(JsonNode node, Set<String> fields, String what) {
    if (!node.isObject()) {
      throw HttpProblem.badRequest("each event must be a JSON object");
    }
    onlyFields((ObjectNode) node, fields, what);
    UUID id = null;
    JsonNode idNode = node.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual()) {
        throw HttpProblem.badRequest("event 'id' must be a UUID string");
      }
      try {
        id = UUID.fromString(idNode.textValue());
      } catch (IllegalArgumentException e) {
        throw HttpProblem.badRequest("event 'id' is not a UUID: " + idNode.textValue());
      }
      if (!idNode.textValue().equalsIgnoreCase(id.toString())) {
        throw HttpProblem.badRequest("event 'id' is not a canonical UUID: " + idNode.textValue());
      }
    }
    String type = requiredText(node, "type");
    String contentType = optionalText(node, "contentType", EventData.JSON);
    JsonNode data = node.get("data");
    if (data == null) {
      throw HttpProblem.badRequest("event 'data' is required");
    }
    byte[] bytes;
    if (contentType.equals(EventData.JSON)) {
      bytes = raw(node, "data"); // exactly as sent
    } else if (contentType.equals(EventData.BINARY)) {
      if (!data.isTextual()) {
        throw HttpProblem.badRequest("binary event 'data' must be a base64 string");
      }
      try {
        bytes = Base64.getDecoder().decode(data.textValue());
      } catch (IllegalArgumentException e) {
        throw HttpProblem.badRequest("binary event 'data' is not valid base64");
      }
    } else {
      throw HttpProblem.badRequest(
          "event 'contentType' must be " + EventData.JSON + " or " + EventData.BINARY);
    }
    JsonNode metadataNode = node.get("metadata");
    byte[] metadata = null;
    if (metadataNode != null && !metadataNode.isNull()) {
      if (!metadataNode.isObject()) {
        throw HttpProblem.badRequest("event 'metadata' must be a JSON object");
      }
      metadata = raw(node, "metadata");
    }
    Set<String> tags = new LinkedHashSet<>();
    JsonNode tagsNode = node.get("tags");
    if (tagsNode != null && !tagsNode.isNull()) {
      if (!tagsNode.isArray()) {
        throw HttpProblem.badRequest("event 'tags' must be an array of strings");
      }
      for (JsonNode tag : tagsNode) {
        if (!tag.isTextual()) {
          throw HttpProblem.badRequest("event 'tags' must be an array of strings");
        }
        tags.add(tag.textValue());
      }
    }
    JsonNode subjectNode = node.get("subject");
    String subject = null;
    if (subjectNode != null && !subjectNode.isNull()) {
      if (!subjectNode.isTextual()) {
        throw HttpProblem.badRequest("event 'subject' must be a string");
      }
      subject = subjectNode.textValue();
    }
    return new EventData(id, type, contentType, bytes, metadata, tags, subject);
  }

  private static boolean redacted(JsonNode entry) {
    JsonNode redacted = entry.get("redacted");
    if (redacted == null || redacted.isNull()) {
      return false;
    }
    if (!redacted.isBoolean()) {
      throw HttpProblem.badRequest("imported event 'redacted' must be true or false");
    }
    return redacted.booleanValue();
  }

  private static void onlyFields(ObjectNode node, Set<String> allowed, String what) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw HttpProblem.badRequest(
            "unknown field '" + name + "' in " + what + "; allowed: " + allowed);
      }
    }
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw HttpProblem.badRequest("event '" + field + "' must be a string");
    }
    return value.textValue();
  }

  private static String optionalText(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw HttpProblem.badRequest("event '" + field + "' must be a string");
    }
    return value.textValue();
  }

  static JsonGenerator generator(OutputStream out) throws IOException {
    return JSON.createGenerator(out);
  }
}
