package dev.factum.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of a sink definition, as it is stored (a store record) and shown: {@code {"name",
 * "kind", "filter": {} | {"category"|"type"|"tag": [..]}, "topic", "bootstrapServers",
 * "producerProperties": {..}, "paused"}}. Reading checks every member, so a definition from a file
 * or a request is refused whole ({@link InvalidArgumentException}) rather than half applied.
 */
public final class SinkJson {
  private static final Set<String> MEMBERS =
      Set.of("name", "kind", "filter", "topic", "bootstrapServers", "producerProperties", "paused");

  private SinkJson() {}

  public static void write(JsonGenerator json, SinkDefinition definition) throws IOException {
    json.writeStartObject();
    writeMembers(json, definition);
    json.writeEndObject();
  }

  /** The members of a definition, without the enclosing braces (a status adds its own). */
  public static void writeMembers(JsonGenerator json, SinkDefinition definition)
      throws IOException {
    json.writeStringField("name", definition.name());
    json.writeStringField("kind", definition.kind());
    json.writeObjectFieldStart("filter");
    LogFilter filter = definition.filter();
    if (!filter.isNone()) {
      json.writeArrayFieldStart(
          switch (filter.kind()) {
            case CATEGORY -> "category";
            case TYPE -> "type";
            default -> "tag";
          });
      for (String value : filter.values()) {
        json.writeString(value);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    json.writeStringField("topic", definition.topic());
    json.writeStringField("bootstrapServers", definition.bootstrapServers());
    json.writeObjectFieldStart("producerProperties");
    for (Map.Entry<String, String> property : definition.producerProperties().entrySet()) {
      json.writeStringField(property.getKey(), property.getValue());
    }
    json.writeEndObject();
    json.writeBooleanField("paused", definition.paused());
  }

  public static SinkDefinition read(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidArgumentException("a sink definition is a JSON object");
    }
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      String name = member.getKey();
      if (!MEMBERS.contains(name)) {
        throw new InvalidArgumentException("unknown member '" + name + "' of a sink definition");
      }
    }
    JsonNode paused = node.get("paused");
    if (paused != null && !paused.isBoolean()) {
      throw new InvalidArgumentException("'paused' must be true or false");
    }
    JsonNode kind = node.get("kind");
    return new SinkDefinition(
        text(node, "name", null),
        kind == null ? SinkDefinition.KAFKA : text(node, "kind", null),
        filter(node.get("filter")),
        text(node, "topic", null),
        text(node, "bootstrapServers", null),
        properties(node.get("producerProperties")),
        paused != null && paused.booleanValue());
  }

  private static String text(JsonNode node, String member, String fallback) {
    JsonNode value = node.get(member);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new InvalidArgumentException("a sink definition needs '" + member + "'");
      }
      return fallback;
    }
    if (!value.isTextual()) {
      throw new InvalidArgumentException("'" + member + "' must be a string");
    }
    return value.textValue();
  }

  private static LogFilter filter(JsonNode node) {
    if (node == null || node.isNull() || (node.isObject() && node.isEmpty())) {
      return LogFilter.none();
    }
    if (!node.isObject() || node.size() != 1) {
      throw new InvalidArgumentException(
          "'filter' is {} (the whole log) or one of {\"category\"|\"type\"|\"tag\": [..]}");
    }
    String kind = node.properties().iterator().next().getKey();
    JsonNode values = node.get(kind);
    if (!values.isArray() || values.isEmpty()) {
      throw new InvalidArgumentException("'filter." + kind + "' must be a non-empty array");
    }
    List<String> list = new ArrayList<>();
    for (JsonNode value : values) {
      if (!value.isTextual() || value.textValue().isEmpty()) {
        throw new InvalidArgumentException("'filter." + kind + "' holds non-empty strings");
      }
      list.add(value.textValue());
    }
    String[] array = list.toArray(String[]::new);
    return switch (kind) {
      case "category" -> LogFilter.categories(array);
      case "type" -> LogFilter.types(array);
      case "tag" -> LogFilter.tags(array);
      default ->
          throw new InvalidArgumentException(
              "'filter' is {} or one of category, type, tag (got '" + kind + "')");
    };
  }

  private static Map<String, String> properties(JsonNode node) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return properties;
    }
    if (!node.isObject()) {
      throw new InvalidArgumentException("'producerProperties' must be an object of strings");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new InvalidArgumentException(
            "producer property '" + entry.getKey() + "' must be a string");
      }
      properties.put(entry.getKey(), entry.getValue().textValue());
    }
    return properties;
  }
}
