package dev.factum.wire;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of the members of a response object; a missing or mistyped one is an error. */
final class Fields {
  private Fields() {}

  static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new WireDecodingException("no '" + field + "' string", node);
    }
    return value.asText();
  }

  /** An optional string member: null when missing or JSON null, an error when of another type. */
  static String optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new WireDecodingException("no '" + field + "' string", node);
    }
    return value.asText();
  }

  /** An optional boolean member: false when missing, an error when of another type. */
  static boolean optionalBool(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new WireDecodingException("no '" + field + "' boolean", node);
    }
    return value.asBoolean();
  }

  static long number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new WireDecodingException("no '" + field + "' number", node);
    }
    return value.asLong();
  }

  static double decimal(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw new WireDecodingException("no '" + field + "' number", node);
    }
    return value.asDouble();
  }

  static boolean bool(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isBoolean()) {
      throw new WireDecodingException("no '" + field + "' boolean", node);
    }
    return value.asBoolean();
  }

  static JsonNode array(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new WireDecodingException("no '" + field + "' array", node);
    }
    return value;
  }
}
