package dev.factum.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A projection definition in Serialized's JSON shape (the official client's {@code
 * ProjectionDefinition}), both ways.
 *
 * <p>What must stay true: parsing is strict (unknown members, wrong JSON types, nulls where a value
 * is required are {@link InvalidArgumentException}s naming the member) and ends with {@link
 * ProjectionDefinition#checked}; {@link #write} of a parsed definition parses back to an equal one.
 */
public final class DefinitionJson {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final Set<String> FIELDS =
      Set.of(
          "projectionName",
          "feedName",
          "description",
          "aggregated",
          "idField",
          "signingSecret",
          "handlers",
          "indexedFields");
  private static final Set<String> HANDLER_FIELDS =
      Set.of("eventType", "functions", "functionUri", "idField");
  private static final Set<String> FUNCTION_FIELDS =
      Set.of(
          "function", "targetSelector", "targetFilter", "eventSelector", "eventFilter", "rawData");

  private DefinitionJson() {}

  /** Parses a definition body; {@link InvalidArgumentException} for any fault. */
  public static ProjectionDefinition parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidArgumentException("the body could not be read");
    }
    return parse(root);
  }

  /**
   * Parses a definition body for the projection {@code name}: a body without {@code projectionName}
   * takes {@code name}; one naming another projection is refused.
   */
  public static ProjectionDefinition parse(byte[] body, String name) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidArgumentException("the body could not be read");
    }
    if (root instanceof ObjectNode object && !object.has("projectionName")) {
      object.put("projectionName", name);
    }
    ProjectionDefinition definition = parse(root);
    if (!definition.name().equals(name)) {
      throw new InvalidArgumentException(
          "the body's projectionName '" + definition.name() + "' is not '" + name + "'");
    }
    return definition;
  }

  public static ProjectionDefinition parse(JsonNode root) {
    ObjectNode node = object(root, "the definition");
    only(node, FIELDS, "the definition");
    List<ProjectionHandler> handlers = new ArrayList<>();
    for (JsonNode handler : array(node.get("handlers"), "handlers", true)) {
      handlers.add(handler(handler));
    }
    List<String> indexed = new ArrayList<>();
    for (JsonNode field : array(node.get("indexedFields"), "indexedFields", false)) {
      if (!field.isTextual()) {
        throw new InvalidArgumentException("indexedFields holds strings");
      }
      indexed.add(field.textValue());
    }
    JsonNode aggregated = node.get("aggregated");
    if (aggregated != null && !aggregated.isNull() && !aggregated.isBoolean()) {
      throw new InvalidArgumentException("aggregated is a boolean");
    }
    return new ProjectionDefinition(
            text(node, "projectionName", true),
            text(node, "feedName", true),
            text(node, "description", false),
            aggregated != null && aggregated.booleanValue(),
            text(node, "idField", false),
            text(node, "signingSecret", false),
            handlers,
            indexed)
        .checked();
  }

  private static ProjectionHandler handler(JsonNode value) {
    ObjectNode node = object(value, "a handler");
    only(node, HANDLER_FIELDS, "a handler");
    JsonNode uri = node.get("functionUri");
    if (uri != null && !uri.isNull()) {
      throw new InvalidArgumentException(
          "functionUri handlers (HTTP calls per event) are not supported; use functions");
    }
    List<ProjectionFunction> functions = new ArrayList<>();
    for (JsonNode function : array(node.get("functions"), "functions", true)) {
      ObjectNode f = object(function, "a function");
      only(f, FUNCTION_FIELDS, "a function");
      JsonNode raw = f.get("rawData");
      functions.add(
          ProjectionFunction.of(
              text(f, "function", true),
              text(f, "targetSelector", false),
              text(f, "targetFilter", false),
              text(f, "eventSelector", false),
              text(f, "eventFilter", false),
              raw == null || raw.isNull() ? null : raw));
    }
    return new ProjectionHandler(
        text(node, "eventType", true), text(node, "idField", false), functions);
  }

  /** The definition in the client's shape. */
  public static ObjectNode write(ProjectionDefinition definition) {
    ObjectNode node = JSON.createObjectNode();
    node.put("projectionName", definition.name());
    node.put("feedName", definition.feedName());
    if (definition.description() != null) {
      node.put("description", definition.description());
    }
    node.put("aggregated", definition.aggregated());
    if (definition.idField() != null) {
      node.put("idField", definition.idField());
    }
    if (definition.signingSecret() != null) {
      node.put("signingSecret", definition.signingSecret());
    }
    ArrayNode handlers = node.putArray("handlers");
    for (ProjectionHandler handler : definition.handlers()) {
      ObjectNode h = handlers.addObject();
      h.put("eventType", handler.eventType());
      if (handler.idField() != null) {
        h.put("idField", handler.idField());
      }
      ArrayNode functions = h.putArray("functions");
      for (ProjectionFunction function : handler.functions()) {
        ObjectNode f = functions.addObject();
        f.put("function", function.kind().wireName());
        putIf(f, "targetSelector", function.targetSelector());
        putIf(f, "targetFilter", function.targetFilter());
        putIf(f, "eventSelector", function.eventSelector());
        putIf(f, "eventFilter", function.eventFilter());
        if (function.rawData() != null) {
          f.set("rawData", function.rawData());
        }
      }
    }
    ArrayNode indexed = node.putArray("indexedFields");
    definition.indexedFields().forEach(indexed::add);
    return node;
  }

  private static void putIf(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static ObjectNode object(JsonNode value, String what) {
    if (value == null || !value.isObject()) {
      throw new InvalidArgumentException(what + " is a JSON object");
    }
    return (ObjectNode) value;
  }

  private static Iterable<JsonNode> array(JsonNode value, String what, boolean required) {
    if (value == null || value.isNull()) {
      if (required) {
        throw new InvalidArgumentException(what + " is missing");
      }
      return List.of();
    }
    if (!value.isArray()) {
      throw new InvalidArgumentException(what + " is a JSON array");
    }
    return value;
  }

  private static String text(ObjectNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new InvalidArgumentException("'" + field + "' is missing");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidArgumentException("'" + field + "' is a string");
    }
    return value.textValue();
  }

  private static void only(ObjectNode node, Set<String> allowed, String what) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (!allowed.contains(field.getKey())) {
        throw new InvalidArgumentException(
            what + " has an unknown member '" + field.getKey() + "'");
      }
    }
  }
}
