package dev.factum.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON of consumer groups on the v1 API (docs/CONSUMERS.md, "HTTP"), for the server, the client
 * and the CLI alike: group definitions (the create body), sources, starts, settings (the update
 * body), statuses, deliveries, parked events, and the members of the other group request bodies
 * (consumer, positions, reason, bounded whole numbers).
 *
 * <p>What must stay true: request parsing is strict (unknown members, wrong types and out-of-range
 * numbers are {@link InvalidArgumentException}, the server's {@code invalid-request}, before the
 * store is called), and a setting left out of an update keeps its current value. Durations are
 * whole milliseconds ({@code ackTimeoutMillis}, {@code retryBackoffMillis}); the range checks of
 * the values themselves are the store's. Filter values are written sorted, so equal groups give
 * equal bytes, and everything written here reads back to an equal value; an answer that does not
 * read is a {@link WireDecodingException}.
 */
public final class GroupJson {
  private static final Set<String> DEFINITION = Set.of("name", "source", "start", "settings");
  private static final Set<String> SOURCE = Set.of("stream", "category", "type", "tag", "query");
  private static final Set<String> SETTINGS =
      Set.of("maxInFlight", "ackTimeoutMillis", "maxRetries", "retryBackoffMillis");

  private GroupJson() {}

  public static GroupDefinition definition(ObjectNode root) {
    only(root, DEFINITION, "a group");
    JsonNode name = root.get("name");
    if (name == null || !name.isTextual()) {
      throw new InvalidArgumentException("a group needs a 'name' string");
    }
    return new GroupDefinition(
        name.textValue(),
        source(root.get("source")),
        start(root.get("start")),
        settings(root.get("settings"), GroupSettings.DEFAULT));
  }

  /** {@code {}} or absent: the whole log; else exactly one of the members of {@link #SOURCE}. */
  public static GroupSource source(JsonNode node) {
    if (node == null || node.isNull()) {
      return GroupSource.all();
    }
    if (!node.isObject()) {
      throw new InvalidArgumentException("'source' must be an object");
    }
    only(node, SOURCE, "'source'");
    if (node.size() > 1) {
      throw new InvalidArgumentException(
          "'source' names one of stream, category, type, tag or query");
    }
    if (node.isEmpty()) {
      return GroupSource.all();
    }
    String kind = node.fieldNames().next();
    JsonNode value = node.get(kind);
    return switch (kind) {
      case "stream" -> {
        if (!value.isTextual()) {
          throw new InvalidArgumentException("'source.stream' must be a string");
        }
        yield GroupSource.stream(value.textValue());
      }
      case "query" ->
          GroupSource.filtered(LogFilter.query(QueryJson.read(value, "'source.query'")));
      default -> {
        List<String> values = strings(value, "'source." + kind + "'");
        String[] array = values.toArray(String[]::new);
        yield GroupSource.filtered(
            switch (kind) {
              case "category" -> LogFilter.categories(array);
              case "type" -> LogFilter.types(array);
              default -> LogFilter.tags(array);
            });
      }
    };
  }

  /** {@code "beginning"} (the default), {@code "end"} or a position. */
  public static GroupStart start(JsonNode node) {
    if (node == null || node.isNull() || "beginning".equals(node.textValue())) {
      return GroupStart.beginning();
    }
    if ("end".equals(node.textValue())) {
      return GroupStart.end();
    }
    return GroupStart.at(whole(node, "start", 0, Long.MAX_VALUE - 1));
  }

  public static GroupSettings settings(JsonNode node, GroupSettings current) {
    if (node == null || node.isNull()) {
      return current;
    }
    if (!node.isObject()) {
      throw new InvalidArgumentException("'settings' must be an object");
    }
    only(node, SETTINGS, "'settings'");
    int maxInFlight = (int) optional(node, "maxInFlight", current.maxInFlight(), Integer.MAX_VALUE);
    long ackTimeout =
        optional(
            node, "ackTimeoutMillis", current.ackTimeout().toMillis(), Long.MAX_VALUE / 1_000_000);
    int maxRetries = (int) optional(node, "maxRetries", current.maxRetries(), Integer.MAX_VALUE);
    long backoff =
        optional(
            node,
            "retryBackoffMillis",
            current.retryBackoff().toMillis(),
            Long.MAX_VALUE / 1_000_000);
    return new GroupSettings(
        maxInFlight, Duration.ofMillis(ackTimeout), maxRetries, Duration.ofMillis(backoff));
  }

  public static String consumer(JsonNode root) {
    JsonNode consumer = root.get("consumer");
    if (consumer == null || !consumer.isTextual()) {
      throw new InvalidArgumentException("'consumer' must be a string naming the consumer");
    }
    return consumer.textValue();
  }

  public static List<Long> positions(JsonNode root) {
    JsonNode positions = root.get("positions");
    if (positions == null || !positions.isArray() || positions.isEmpty()) {
      throw new InvalidArgumentException("'positions' must be a non-empty array of positions");
    }
    List<Long> out = new ArrayList<>(positions.size());
    for (JsonNode position : positions) {
      out.add(whole(position, "positions[]", 0, Long.MAX_VALUE - 1));
    }
    return out;
  }

  public static String reason(JsonNode root) {
    JsonNode reason = root.get("reason");
    if (reason == null || reason.isNull()) {
      return "";
    }
    if (!reason.isTextual()) {
      throw new InvalidArgumentException("'reason' must be a string");
    }
    return reason.textValue();
  }

  public static long optional(JsonNode node, String name, long fallback, long max) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? fallback : whole(value, name, 0, max);
  }

  public static long whole(JsonNode node, String name, long min, long max) {
    if (node == null
        || !node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < min
        || node.longValue() > max) {
      throw new InvalidArgumentException(
          "'" + name + "' must be a whole number from " + min + " to " + max + ", was " + node);
    }
    return node.longValue();
  }

  public static void only(JsonNode node, Set<String> allowed, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new InvalidArgumentException(
            what + " has an unknown member '" + name + "' (allowed: " + allowed + ")");
      }
    }
  }

  private static List<String> strings(JsonNode node, String what) {
    if (!node.isArray() || node.isEmpty()) {
      throw new InvalidArgumentException(what + " must be a non-empty array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode value : node) {
      if (!value.isTextual()) {
        throw new InvalidArgumentException(what + " must be a non-empty array of strings");
      }
      out.add(value.textValue());
    }
    return out;
  }

  // ---- writing -------------------------------------------------------------------------------

  /** A create body: the definition as one object (members left null are left out). */
  public static void writeDefinition(JsonGenerator json, GroupDefinition definition)
      throws IOException {
    json.writeStartObject();
    writeDefinitionMembers(json, definition);
    json.writeEndObject();
  }

  /** A status's members, inside an object the caller opened. */
  public static void writeStatus(JsonGenerator json, GroupStatus status) throws IOException {
    writeDefinitionMembers(json, status.definition());
    json.writeNumberField("checkpoint", status.checkpoint());
    json.writeNumberField("durableCheckpoint", status.durableCheckpoint());
    json.writeNumberField("lag", status.lag());
    json.writeNumberField("lagSeconds", status.lagSeconds());
    json.writeNumberField("inFlight", status.inFlight());
    json.writeNumberField("parked", status.parked());
    json.writeNumberField("consumers", status.consumers());
    json.writeNumberField("delivered", status.delivered());
    json.writeNumberField("redeliveries", status.redeliveries());
  }

  private static void writeDefinitionMembers(JsonGenerator json, GroupDefinition definition)
      throws IOException {
    json.writeStringField("name", definition.name());
    if (definition.source() != null) {
      json.writeFieldName("source");
      writeSource(json, definition.source());
    }
    GroupStart start = definition.start();
    if (start != null) {
      if (start.position() == GroupStart.END) {
        json.writeStringField("start", "end");
      } else {
        json.writeNumberField("start", start.position());
      }
    }
    if (definition.settings() != null) {
      json.writeFieldName("settings");
      writeSettings(json, definition.settings());
    }
  }

  /** A source as one object: {@code {}} for the whole log, else its one member. */
  public static void writeSource(JsonGenerator json, GroupSource source) throws IOException {
    json.writeStartObject();
    LogFilter filter = source.filter();
    if (source.isStream()) {
      json.writeStringField("stream", source.stream());
    } else if (filter.kind() == LogFilter.Kind.QUERY) {
      json.writeFieldName("query");
      json.writeRawValue(QueryJson.write(filter.query()));
    } else if (filter.kind() != LogFilter.Kind.NONE) {
      json.writeArrayFieldStart(filter.kind().name().toLowerCase(Locale.ROOT));
      for (String value : filter.values().stream().sorted().toList()) {
        json.writeString(value);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  /** Settings as one object: an update body, and the {@code settings} of a definition. */
  public static void writeSettings(JsonGenerator json, GroupSettings settings) throws IOException {
    json.writeStartObject();
    json.writeNumberField("maxInFlight", settings.maxInFlight());
    json.writeNumberField("ackTimeoutMillis", millis(settings.ackTimeout()));
    json.writeNumberField("maxRetries", settings.maxRetries());
    json.writeNumberField("retryBackoffMillis", millis(settings.retryBackoff()));
    json.writeEndObject();
  }

  private static long millis(Duration duration) {
    if (duration == null) {
      throw new InvalidArgumentException("a group setting's duration is missing");
    }
    return duration.toMillis();
  }

  /** A poll body: the consumer, at most {@code max} events, a wait in whole seconds. */
  public static void writePoll(JsonGenerator json, String consumer, int max, long waitSeconds)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("consumer", consumer);
    json.writeNumberField("max", max);
    json.writeNumberField("wait", waitSeconds);
    json.writeEndObject();
  }

  /**
   * The {@code consumer} and {@code positions} members of an ack, nack, park or ack-append, inside
   * an object the caller opened (an ack-append adds the append's members).
   */
  public static void writeClaim(JsonGenerator json, String consumer, List<Long> positions)
      throws IOException {
    json.writeStringField("consumer", consumer);
    writePositionsField(json, positions);
  }

  /** An ack, nack or park body; a null reason is left out. */
  public static void writeSettle(
      JsonGenerator json, String consumer, List<Long> positions, String reason) throws IOException {
    json.writeStartObject();
    writeClaim(json, consumer, positions);
    if (reason != null) {
      json.writeStringField("reason", reason);
    }
    json.writeEndObject();
  }

  /** A leave body. */
  public static void writeLeave(JsonGenerator json, String consumer) throws IOException {
    json.writeStartObject();
    json.writeStringField("consumer", consumer);
    json.writeEndObject();
  }

  /** A replay or skip body (the {@code ParkedPositions} shape). */
  public static void writePositions(JsonGenerator json, List<Long> positions) throws IOException {
    json.writeStartObject();
    writePositionsField(json, positions);
    json.writeEndObject();
  }

  private static void writePositionsField(JsonGenerator json, List<Long> positions)
      throws IOException {
    json.writeArrayFieldStart("positions");
    for (long position : positions) {
      json.writeNumber(position);
    }
    json.writeEndArray();
  }

  /** The {@code deliveries} member of a poll's answer. */
  public static void writeDeliveries(JsonGenerator json, List<Delivery> deliveries)
      throws IOException {
    json.writeArrayFieldStart("deliveries");
    for (Delivery delivery : deliveries) {
      json.writeStartObject();
      json.writeNumberField("attempt", delivery.attempt());
      json.writeBooleanField("replay", delivery.replay());
      json.writeObjectFieldStart("event");
      EventContent.writeRecorded(
          json, delivery.event(), true, (bytes, what) -> new String(bytes, StandardCharsets.UTF_8));
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** The {@code parked} member of {@code GET /groups/{group}/parked}. */
  public static void writeParked(JsonGenerator json, List<ParkedEvent> parked) throws IOException {
    json.writeArrayFieldStart("parked");
    for (ParkedEvent event : parked) {
      json.writeStartObject();
      json.writeNumberField("position", event.position());
      json.writeStringField("stream", event.stream());
      json.writeStringField("reason", event.reason());
      json.writeNumberField("attempts", event.attempts());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** The answer of {@code GET /groups/{group}/processed}, inside an object the caller opened. */
  public static void writeProcessed(JsonGenerator json, long position, boolean processed)
      throws IOException {
    json.writeNumberField("position", position);
    json.writeBooleanField("processed", processed);
  }

  // ---- reading answers -----------------------------------------------------------------------

  /** A status object, as create, update, show and each of a list's {@code groups} answer it. */
  public static GroupStatus readStatus(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new WireDecodingException("a group status is not an object", node);
    }
    JsonNode settings = node.get("settings");
    if (settings == null || !settings.isObject()) {
      throw new WireDecodingException("no 'settings' object", node);
    }
    GroupSource source;
    GroupStart start;
    try {
      source = source(node.get("source"));
      start = start(node.get("start"));
    } catch (InvalidArgumentException e) {
      throw new WireDecodingException(e.getMessage(), node);
    }
    GroupDefinition definition =
        new GroupDefinition(
            Fields.text(node, "name"),
            source,
            start,
            new GroupSettings(
                (int) Fields.number(settings, "maxInFlight"),
                Duration.ofMillis(Fields.number(settings, "ackTimeoutMillis")),
                (int) Fields.number(settings, "maxRetries"),
                Duration.ofMillis(Fields.number(settings, "retryBackoffMillis"))));
    return new GroupStatus(
        definition,
        Fields.number(node, "checkpoint"),
        Fields.number(node, "durableCheckpoint"),
        Fields.number(node, "lag"),
        Fields.decimal(node, "lagSeconds"),
        (int) Fields.number(node, "inFlight"),
        (int) Fields.number(node, "parked"),
        (int) Fields.number(node, "consumers"),
        Fields.number(node, "delivered"),
        Fields.number(node, "redeliveries"));
  }

  /** The {@code groups} of {@code GET /groups}. */
  public static List<GroupStatus> readStatuses(JsonNode body) {
    List<GroupStatus> out = new ArrayList<>();
    for (JsonNode status : Fields.array(body, "groups")) {
      out.add(readStatus(status));
    }
    return out;
  }

  /** The {@code deliveries} of a poll's answer. */
  public static List<Delivery> readDeliveries(JsonNode body) {
    List<Delivery> out = new ArrayList<>();
    for (JsonNode delivery : Fields.array(body, "deliveries")) {
      JsonNode event = delivery.get("event");
      if (event == null || !event.isObject()) {
        throw new WireDecodingException("no 'event' object", delivery);
      }
      out.add(
          new Delivery(
              RecordedEventJson.read(event),
              (int) Fields.number(delivery, "attempt"),
              Fields.bool(delivery, "replay")));
    }
    return out;
  }

  /** The {@code parked} of {@code GET /groups/{group}/parked}. */
  public static List<ParkedEvent> readParked(JsonNode body) {
    List<ParkedEvent> out = new ArrayList<>();
    for (JsonNode parked : Fields.array(body, "parked")) {
      out.add(
          new ParkedEvent(
              Fields.number(parked, "position"),
              Fields.text(parked, "stream"),
              Fields.text(parked, "reason"),
              (int) Fields.number(parked, "attempts")));
    }
    return out;
  }

  /** Whether {@code GET /groups/{group}/processed} found the position processed. */
  public static boolean readProcessed(JsonNode body) {
    return Fields.bool(body, "processed");
  }
}
