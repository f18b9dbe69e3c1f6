package dev.factum.projections;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * A filter of a function: {@code [?(@.path OP value)]}, where {@code @} is the element tested (an
 * element of the target array for a target filter, the event's data for an event filter), {@code
 * OP} one of {@code == != < <= > >=}, and {@code value} a JSON literal ({@code 'text'} too) or a
 * selector ({@code $.event…}, {@code $.metadata…}, {@code $.projection…}). {@code [?(@.path)]}
 * tests that the field is present and not null or false.
 *
 * <p>What must stay true: parsing refuses anything else (bad input is a definition error, never a
 * failure while applying events); comparing never fails: values of different kinds are unequal and
 * not ordered (every ordering operator is false for them).
 */
record Filter(List<String> path, String op, JsonNode literal, Selector selector, String text) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> OPS = List.of("==", "!=", "<=", ">=", "<", ">");

  static Filter parse(String text, String what) {
    if (text == null || text.isEmpty()) {
      throw new InvalidArgumentException(what + " is empty");
    }
    String body = text.trim();
    if (!body.startsWith("[?(") || !body.endsWith(")]")) {
      throw invalid(text, what, "a filter is [?(@.field OP value)]");
    }
    body = body.substring(3, body.length() - 2).trim();
    if (!body.startsWith("@.")) {
      throw invalid(text, what, "a filter tests a field of @");
    }
    int end = 2;
    while (end < body.length() && isFieldChar(body.charAt(end))) {
      end++;
    }
    String pathText = body.substring(2, end);
    List<String> path = new ArrayList<>(List.of(pathText.split("\\.", -1)));
    if (path.stream().anyMatch(String::isEmpty) || path.size() > Selector.MAX_FIELDS) {
      throw invalid(text, what, "bad field path '" + pathText + "'");
    }
    String rest = body.substring(end).trim();
    if (rest.isEmpty()) {
      return new Filter(List.copyOf(path), null, null, null, text);
    }
    String op = OPS.stream().filter(rest::startsWith).findFirst().orElse(null);
    if (op == null) {
      throw invalid(text, what, "operators are " + OPS);
    }
    String value = rest.substring(op.length()).trim();
    if (value.startsWith("$.")) {
      return new Filter(List.copyOf(path), op, null, Selector.parse(value, what), text);
    }
    if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
      String inner = value.substring(1, value.length() - 1);
      return new Filter(List.copyOf(path), op, JSON.getNodeFactory().textNode(inner), null, text);
    }
    try {
      JsonNode literal = JSON.readTree(value);
      if (literal == null || literal.isMissingNode() || literal.isContainerNode()) {
        throw invalid(text, what, "the value is a JSON number, string, true, false or null");
      }
      return new Filter(List.copyOf(path), op, literal, null, text);
    } catch (JsonProcessingException e) {
      throw invalid(text, what, "the value '" + value + "' is not a JSON literal");
    }
  }

  private static boolean isFieldChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
  }

  private static InvalidArgumentException invalid(String text, String what, String why) {
    return new InvalidArgumentException(what + " '" + text + "' is not a valid filter: " + why);
  }

  /** Whether {@code element} passes, with the selector's value taken from {@code context}. */
  boolean test(JsonNode element, Context context) {
    JsonNode value = element;
    for (String field : path) {
      if (value == null || !value.isObject()) {
        return false;
      }
      value = value.get(field);
    }
    if (op == null) {
      return value != null && !value.isNull() && !(value.isBoolean() && !value.booleanValue());
    }
    JsonNode other = selector == null ? literal : context.select(selector);
    if (value == null || other == null) {
      return op.equals("!=") && (value == null) != (other == null);
    }
    int order = compare(value, other);
    return switch (op) {
      case "==" -> order == 0;
      case "!=" -> order != 0;
      case "<" -> order != INCOMPARABLE && order < 0;
      case "<=" -> order != INCOMPARABLE && order <= 0;
      case ">" -> order != INCOMPARABLE && order > 0;
      case ">=" -> order != INCOMPARABLE && order >= 0;
      default -> false;
    };
  }

  private static final int INCOMPARABLE = Integer.MIN_VALUE;

  private static int compare(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    if (a.isTextual() && b.isTextual()) {
      return Integer.signum(a.textValue().compareTo(b.textValue()));
    }
    return a.equals(b) ? 0 : INCOMPARABLE;
  }
}
