package dev.factum.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.wire.QueryJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON of consumer groups on the v1 API (docs/CONSUMERS.md, "HTTP"): group definitions,
 * settings, statuses, deliveries and parked events, and the members of the group request bodies.
 *
 * <p>What must stay true: parsing is strict (unknown members, wrong types and out-of-range numbers
 * are {@code invalid-request} before the store is called), and a setting left out of an update
 * keeps its current value. Durations are whole milliseconds ({@code ackTimeoutMillis}, {@code
 * retryBackoffMillis}); the range checks of the values themselves are the store's.
 */
final class GroupJson {
  private static final Set<String> DEFINITION = Set.of("name", "source", "start", "settings");
  private static final Set<String> SOURCE = Set.of("stream", "category", "type", "tag", "query");
  private static final Set<String> SETTINGS =
      Set.of("maxInFlight", "ackTimeoutMillis", "maxRetries", "retryBackoffMillis");

  private GroupJson() {}

  static GroupDefinition definition(ObjectNode root) {
    only(root, DEFINITION, "a group");
    JsonNode name = root.get("name");
    if (name == null || !name.isTextual()) {
      throw HttpProblem.badRequest("a group needs a 'name' string");
    }
    return new GroupDefinition(
        name.textValue(),
        source(root.get("source")),
        start(root.get("start")),
        settings(root.get("settings"), GroupSettings.DEFAULT));
  }

  /** {@code {}} or absent: the whole log; else exactly one of the members of {@link #SOURCE}. */
  static GroupSource source(JsonNode node) {
    if (node == null || node.isNull()) {
      return GroupSource.all();
    }
    if (!node.isObject()) {
      throw HttpProblem.badRequest("'source' must be an object");
    }
    only(node, SOURCE, "'source'");
    if (node.size() > 1) {
      throw HttpProblem.badRequest("'source' names one of stream, category, type, tag or query");
    }
    if (node.isEmpty()) {
      return GroupSource.all();
    }
    String kind = node.fieldNames().next();
    JsonNode value = node.get(kind);
    return switch (kind) {
      case "stream" -> {
        if (!value.isTextual()) {
          throw HttpProblem.badRequest("'source.stream' must be a string");
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
  static GroupStart start(JsonNode node) {
    if (node == null || node.isNull() || "beginning".equals(node.textValue())) {
      return GroupStart.beginning();
    }
    if ("end".equals(node.textValue())) {
      return GroupStart.end();
    }
    return GroupStart.at(whole(node, "start", 0, Long.MAX_VALUE - 1));
  }

  static GroupSettings settings(JsonNode node, GroupSettings current) {
    if (node == null || node.isNull()) {
      return current;
    }
    if (!node.isObject()) {
      throw HttpProblem.badRequest("'settings' must be an object");
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

  static String consumer(JsonNode root) {
    JsonNode consumer = root.get("consumer");
    if (consumer == null || !consumer.isTextual()) {
      throw HttpProblem.badRequest("'consumer' must be a string naming the consumer");
    }
    return consumer.textValue();
  }

  static List<Long> positions(JsonNode root) {
    JsonNode positions = root.get("positions");
    if (positions == null || !positions.isArray() || positions.isEmpty()) {
      throw HttpProblem.badRequest("'positions' must be a non-empty array of positions");
    }
    List<Long> out = new ArrayList<>(positions.size());
    for (JsonNode position : positions) {
      out.add(whole(position, "positions[]", 0, Long.MAX_VALUE - 1));
    }
    return out;
  }

  static String reason(JsonNode root) {
    JsonNode reason = root.get("reason");
    if (reason == null || reason.isNull()) {
      return "";
    }
    if (!reason.isTextual()) {
      throw HttpProblem.badRequest("'reason' must be a string");
    }
    return reason.textValue();
  }

  static long optional(JsonNode node, String name, long fallback, long max) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? fallback : whole(value, name, 0, max);
  }

  static long whole(JsonNode node, String name, long min, long max) {
    if (node == null
        || !node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < min
        || node.longValue() > max) {
      throw HttpProblem.badRequest(
          "'" + name + "' must be a whole number from " + min + " to " + max + ", was " + node);
    }
    return node.longValue();
  }

  static void only(JsonNode node, Set<String> allowed, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw HttpProblem.badRequest(
            what + " has an unknown member '" + name + "' (allowed: " + allowed + ")");
      }
    }
  }

  private static List<String> strings(JsonNode node, String what) {
    if (!node.isArray() || node.isEmpty()) {
      throw HttpProblem.badRequest(what + " must be a non-empty array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode value : node) {
      if (!value.isTextual()) {
        throw HttpProblem.badRequest(what + " must be a non-empty array of strings");
      }
      out.add(value.textValue());
    }
    return out;
  }

  // ---- writing -------------------------------------------------------------------------------

  static void writeStatus(JsonGenerator json, GroupStatus status) throws IOException {
    GroupDefinition definition = status.definition();
    json.writeStringField("name", definition.name());
    json.writeFieldName("source");
    writeSource(json, definition.source());
    if (definition.start().position() == GroupStart.END) {
      json.writeStringField("start", "end");
    } else {
      json.writeNumberField("start", definition.start().position());
    }
    json.writeFieldName("settings");
    GroupSettings settings = definition.settings();
    json.writeStartObject();
    json.writeNumberField("maxInFlight", settings.maxInFlight());
    json.writeNumberField("ackTimeoutMillis", settings.ackTimeout().toMillis());
    json.writeNumberField("maxRetries", settings.maxRetries());
    json.writeNumberField("retryBackoffMillis", settings.retryBackoff().toMillis());
    json.writeEndObject();
    json.writeNumberField("checkpoint", status.checkpoint());
    json.writeNumberField("durableCheckpoint", status.durableCheckpoint());
    json.writeNumberField("lag", status.lag());
    json.writeNumberField("inFlight", status.inFlight());
    json.writeNumberField("parked", status.parked());
    json.writeNumberField("consumers", status.consumers());
    json.writeNumberField("delivered", status.delivered());
    json.writeNumberField("redeliveries", status.redeliveries());
  }

  private static void writeSource(JsonGenerator json, GroupSource source) throws IOException {
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

  static void writeDeliveries(JsonGenerator json, List<Delivery> deliveries) throws IOException {
    json.writeArrayFieldStart("deliveries");
    for (Delivery delivery : deliveries) {
      json.writeStartObject();
      json.writeNumberField("attempt", delivery.attempt());
      json.writeBooleanField("replay", delivery.replay());
      json.writeFieldName("event");
      WireFormat.writeEvent(json, delivery.event());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  static void writeParked(JsonGenerator json, List<ParkedEvent> parked) throws IOException {
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
}
