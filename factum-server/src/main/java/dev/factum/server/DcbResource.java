package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.wire.ExactJson;
import dev.factum.wire.QueryJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The DCB conformance pair under {@code /dcb/}, shaped exactly like the default HTTP adapter of the
 * dcb.events test suite, so that suite runs against Factum unchanged: {@code GET
 * /dcb/read?query=<JSON>&options=<JSON>} and {@code POST /dcb/append}.
 *
 * <p>Design note: a thin translation to native operations, with no storage of its own. What must
 * stay true:
 *
 * <ul>
 *   <li>Positions in this view are native positions + 1 (the suite reads "no event" as 0 and then
 *       appends with {@code after: 0}), in both directions: read positions, {@code from} and {@code
 *       after}.
 *   <li>Appends go to the one stream {@value #STREAM} with expected revision {@code any}: DCB has
 *       no streams, and the condition alone decides. Events are stored as JSON, their {@code data}
 *       string as a JSON string value, and read back as that string (a native event's JSON data is
 *       returned as its text, binary data as base64).
 *   <li>A failed condition is an answer, not an error: 200 with {@code appendConditionFailed:
 *       true}. Bad input is 400 {@code invalid-request} and writes nothing, as everywhere.
 *   <li>Beyond the suite's shape, as in the native event JSON: an event may name a data {@code
 *       subject} on append (crypto-shredding, docs/LIFECYCLE.md), and a read shows it, with {@code
 *       redacted: true} (and data {@code {"redacted":true}}) once the subject is forgotten.
 * </ul>
 */
final class DcbResource implements Resource {
  /** The stream /dcb/ appends go to. */
  static final String STREAM = "dcb";

  /** Events per native read while gathering one answer. */
  private static final int PAGE = 1000;

  private static final Set<String> OPTIONS = Set.of("from", "backwards", "limit");
  private static final Set<String> APPEND_FIELDS = Set.of("events", "condition");
  private static final Set<String> EVENT_FIELDS = Set.of("type", "data", "tags", "subject");

  private final ServerConfig config;
  private final Metrics metrics;

  DcbResource(ServerConfig config, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Set<Route> routes() {
    return Set.of(Route.DCB_READ, Route.DCB_APPEND);
  }

  @Override
  public int handle(Request request, Route.Match match) throws IOException {
    return switch (match.route()) {
      case DCB_READ -> read(request);
      case DCB_APPEND -> append(request);
      default -> throw new IllegalArgumentException(match.route().name());
    };
  }

  private int read(Request request) throws IOException {
    String queryParam = request.param("query");
    Query query =
        queryParam == null
            ? Query.all()
            : QueryJson.read(Request.jsonParam("query", queryParam), "'query'");
    String optionsParam = request.param("options");
    JsonNode options = optionsParam == null ? null : Request.jsonParam("options", optionsParam);
    if (options != null && !options.isObject()) {
      throw HttpProblem.badRequest("'options' must be a JSON object");
    }
    if (options != null) {
      only(options, OPTIONS, "'options'");
    }
    boolean backwards = options != null && bool(options.get("backwards"), "backwards");
    long from = options == null ? -1 : position(options.get("from"), "from");
    long limit = options == null ? -1 : position(options.get("limit"), "limit");
    Direction direction = backwards ? Direction.BACKWARD : Direction.FORWARD;
    long next = from < 0 ? (backwards ? EventStore.END : 0) : Math.max(0, from - 1);
    if ((backwards && from == 0) || limit == 0) {
      next = -1; // nothing at or below position 0 of this view
    }
    List<RecordedEvent> events = new ArrayList<>();
    int page = PAGE;
    LogFilter filter = LogFilter.query(query);
    while (next >= 0 && (limit < 0 || events.size() < limit)) {
      int want = (int) Math.min(page, limit < 0 ? page : limit - events.size());
      ReadPage read = request.store().readAll(next, direction, want, filter);
      events.addAll(read.events());
      if (read.endOfRead()) {
        break;
      }
      next = read.next();
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 + 128 * events.size());
    try (JsonGenerator json = WireFormat.generator(buffer)) {
      json.writeStartArray();
      for (RecordedEvent event : events) {
        writeEvent(json, event);
      }
      json.writeEndArray();
    }
    return Responses.raw(request.exchange, 200, "application/json", buffer.toByteArray());
  }

  private static void writeEvent(JsonGenerator json, RecordedEvent event) throws IOException {
    json.writeStartObject();
    json.writeStringField("type", event.type());
    json.writeArrayFieldStart("tags");
    for (String tag : event.tags().stream().sorted().toList()) {
      json.writeString(tag);
    }
    json.writeEndArray();
    json.writeStringField("data", dataText(event));
    json.writeNumberField("position", event.position() + 1);
    if (event.subject() != null) {
      json.writeStringField("subject", event.subject());
    }
    if (event.redacted()) {
      json.writeBooleanField("redacted", true);
    }
    json.writeEndObject();
  }

  /** A JSON string is read back as its value; other JSON as its text; binary data as base64. */
  private static String dataText(RecordedEvent event) {
    if (!EventData.JSON.equals(event.contentType())) {
      return Base64.getEncoder().encodeToString(event.data());
    }
    if (event.data().length > 0 && event.data()[0] == '"') {
      try {
        JsonNode value = ExactJson.read(WireFormat.JSON, event.data(), false);
        if (value.isTextual()) {
          return value.textValue();
        }
      } catch (ExactJson.Malformed e) {
        // stored JSON is valid by construction; fall back to its text
      }
    }
    return new String(event.data(), StandardCharsets.UTF_8);
  }

  private int append(Request request) throws IOException {
    ObjectNode root = WireFormat.parseObject(request.jsonBody(config.maxRequestBytes()));
    only(root, APPEND_FIELDS, "the append");
    JsonNode events = root.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      throw HttpProblem.badRequest("'events' must be a non-empty array");
    }
    List<EventData> parsed = new ArrayList<>(events.size());
    for (JsonNode event : events) {
      parsed.add(event(event));
    }
    AppendCondition condition = null;
    JsonNode sent = root.get("condition");
    if (sent != null && !sent.isNull()) {
      AppendCondition shifted = QueryJson.readCondition(sent);
      // "after: n" in this view is native position n - 1; after 0 means "no event seen".
      condition =
          new AppendCondition(
              shifted.failIfEventsMatch(),
              shifted.hasAfter() ? shifted.after() - 1 : AppendCondition.NO_POSITION);
    }
    AppendRequest append = new AppendRequest(STREAM, ExpectedRevision.any(), parsed, condition);
    long started = System.nanoTime();
    boolean failed;
    try {
      metrics.timeWrite(parsed.size(), () -> request.store().append(append));
      failed = false;
    } catch (AppendConditionFailedException e) {
      failed = true;
    }
    long micros = (System.nanoTime() - started) / 1_000;
    boolean conditionFailed = failed;
    return Responses.json(
        request.exchange,
        200,
        json -> {
          json.writeNumberField("durationInMicroseconds", micros);
          json.writeBooleanField("appendConditionFailed", conditionFailed);
        });
  }

  private static EventData event(JsonNode event) {
    if (!event.isObject()) {
      throw HttpProblem.badRequest("each event must be an object {\"type\", \"data\", \"tags\"}");
    }
    only(event, EVENT_FIELDS, "an event");
    JsonNode type = event.get("type");
    JsonNode data = event.get("data");
    if (type == null || !type.isTextual()) {
      throw HttpProblem.badRequest("an event needs a 'type' string");
    }
    if (data == null || !data.isTextual()) {
      throw HttpProblem.badRequest("an event needs 'data', a string");
    }
    Set<String> tags = new LinkedHashSet<>();
    JsonNode sentTags = event.get("tags");
    if (sentTags != null) {
      if (!sentTags.isArray()) {
        throw HttpProblem.badRequest("an event's 'tags' must be an array of strings");
      }
      for (JsonNode tag : sentTags) {
        if (!tag.isTextual() || !tags.add(tag.textValue())) {
          throw HttpProblem.badRequest("an event's 'tags' must be distinct strings");
        }
      }
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream(data.textValue().length() + 2);
    try (JsonGenerator generator = WireFormat.generator(json)) {
      generator.writeString(data.textValue());
    } catch (IOException e) {
      throw new InvalidArgumentException("the event data cannot be encoded", e);
    }
    EventData parsed =
        new EventData(
            UUID.randomUUID(), type.textValue(), EventData.JSON, json.toByteArray(), null, tags);
    JsonNode subject = event.get("subject");
    if (subject == null || subject.isNull()) {
      return parsed;
    }
    if (!subject.isTextual()) {
      throw HttpProblem.badRequest("an event's 'subject' must be a string");
    }
    return parsed.withSubject(subject.textValue());
  }

  private static boolean bool(JsonNode node, String name) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw HttpProblem.badRequest("option '" + name + "' must be true or false");
    }
    return node.booleanValue();
  }

  /** A non-negative whole number, or -1 when absent. */
  private static long position(JsonNode node, String name) {
    if (node == null || node.isNull()) {
      return -1;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
      throw HttpProblem.badRequest(
          "option '" + name + "' must be a whole number >= 0, was " + node);
    }
    return node.longValue();
  }

  private static void only(JsonNode node, Set<String> allowed, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw HttpProblem.badRequest(
            what + " has an unknown member '" + name + "' (allowed: " + allowed + ")");
      }
    }
  }
}
