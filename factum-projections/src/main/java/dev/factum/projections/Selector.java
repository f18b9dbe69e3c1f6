package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path into one of the three documents a function sees: {@code $.event…} (the event's data),
 * {@code $.projection…} (the projection's data) or {@code $.metadata…} (the event's metadata:
 * {@code aggregateId}, {@code aggregateType}, {@code eventId}, {@code eventType}, {@code
 * createdAt}, {@code sequenceNumber}).
 *
 * <p>What must stay true: the syntax is dotted field names only (at most {@value #MAX_FIELDS}
 * fields of at most {@value #MAX_FIELD_CHARS} characters, no {@code [}, {@code ]} or spaces), plus
 * a trailing {@code [?]} on a projection selector, which names an array whose elements the
 * function's target filter picks. Anything else is refused when the definition is parsed, never
 * when an event is applied.
 */
record Selector(Root root, List<String> fields, boolean filtered) {
  static final int MAX_FIELDS = 16;
  static final int MAX_FIELD_CHARS = 128;
  static final List<String> METADATA =
      List.of(
          "aggregateId", "aggregateType", "eventId", "eventType", "createdAt", "sequenceNumber");

  enum Root {
    EVENT("event"),
    PROJECTION("projection"),
    METADATA("metadata");

    final String name;

    Root(String name) {
      this.name = name;
    }
  }

  static Selector parse(String text, String what) {
    if (text == null || text.isEmpty()) {
      throw new InvalidArgumentException(what + " is empty");
    }
    String rest = text;
    boolean filtered = rest.endsWith("[?]");
    if (filtered) {
      rest = rest.substring(0, rest.length() - 3);
    }
    if (!rest.startsWith("$.")) {
      throw invalid(text, what, "a selector starts with $.event, $.projection or $.metadata");
    }
    String[] parts = rest.substring(2).split("\\.", -1);
    Root root =
        switch (parts[0]) {
          case "event" -> Root.EVENT;
          case "projection" -> Root.PROJECTION;
          case "metadata" -> Root.METADATA;
          default ->
              throw invalid(
                  text, what, "a selector starts with $.event, $.projection or $.metadata");
        };
    List<String> fields = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String field = parts[i];
      if (field.isEmpty() || field.length() > MAX_FIELD_CHARS) {
        throw invalid(text, what, "a field name is 1 to " + MAX_FIELD_CHARS + " characters");
      }
      for (int c = 0; c < field.length(); c++) {
        char ch = field.charAt(c);
        if (ch == '['
            || ch == ']'
            || ch == '$'
            || ch == '@'
            || Character.isWhitespace(ch)
            || Character.isISOControl(ch)) {
          throw invalid(text, what, "unsupported character '" + ch + "' in a field name");
        }
      }
      fields.add(field);
    }
    if (fields.size() > MAX_FIELDS) {
      throw invalid(text, what, "at most " + MAX_FIELDS + " fields");
    }
    if (filtered && (root != Root.PROJECTION || fields.isEmpty())) {
      throw invalid(text, what, "[?] ends a selector of a projection field only");
    }
    if (root == Root.METADATA && (fields.size() != 1 || !METADATA.contains(fields.getFirst()))) {
      throw invalid(text, what, "metadata fields are " + METADATA);
    }
    return new Selector(root, List.copyOf(fields), filtered);
  }

  private static InvalidArgumentException invalid(String text, String what, String why) {
    return new InvalidArgumentException(what + " '" + text + "' is not a valid selector: " + why);
  }

  /** The selected value of {@code from} (the root's document), or null when a field is missing. */
  JsonNode read(JsonNode from) {
    JsonNode node = from;
    for (String field : fields) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(field);
    }
    return node == null || node.isMissingNode() ? null : node;
  }

  /**
   * The object holding the last field in {@code root}, creating objects on the way; null when a
   * value on the way is not an object (the function then does nothing).
   */
  ObjectNode parentIn(ObjectNode root) {
    ObjectNode node = root;
    for (int i = 0; i < fields.size() - 1; i++) {
      JsonNode next = node.get(fields.get(i));
      if (next == null || next.isNull()) {
        next = node.putObject(fields.get(i));
      }
      if (!next.isObject()) {
        return null;
      }
      node = (ObjectNode) next;
    }
    return node;
  }

  String last() {
    return fields.getLast();
  }

  /** The array at this selector in {@code root}, created when absent; null if another value. */
  ArrayNode arrayIn(ObjectNode root) {
    ObjectNode parent = parentIn(root);
    if (parent == null) {
      return null;
    }
    JsonNode existing = parent.get(last());
    if (existing == null || existing.isNull()) {
      return parent.putArray(last());
    }
    return existing.isArray() ? (ArrayNode) existing : null;
  }

  static ObjectNode emptyObject() {
    return JsonNodeFactory.instance.objectNode();
  }

  String text() {
    return "$."
        + root.name
        + (fields.isEmpty() ? "" : "." + String.join(".", fields))
        + (filtered ? "[?]" : "");
  }
}
