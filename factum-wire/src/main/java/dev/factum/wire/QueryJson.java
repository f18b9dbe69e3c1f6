package dev.factum.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendCondition;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.Query;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of a Dynamic Consistency Boundary {@link Query}, the same as the dcb.events
 * specification's: {@code {"items": [{"types": ["A", "B"], "tags": ["t1", "t2"]}]}}, where {@code
 * types} and {@code tags} may each be absent (no constraint) and {@code items} may be empty (every
 * event). Server, client and CLI all use this one reader and writer.
 *
 * <p>What must stay true: parsing is strict (unknown members, wrong kinds and duplicate values are
 * refused as {@link InvalidArgumentException}), and {@link #write} output parses back to an equal
 * query.
 */
public final class QueryJson {
  private static final Set<String> QUERY_FIELDS = Set.of("items");
  private static final Set<String> ITEM_FIELDS = Set.of("types", "tags");
  private static final Set<String> CONDITION_FIELDS = Set.of("failIfEventsMatch", "after");

  private QueryJson() {}

  /** The query as compact JSON (types and tags sorted, so equal queries give equal text). */
  public static String write(Query query) {
    StringBuilder json = new StringBuilder("{\"items\":[");
    for (int i = 0; i < query.items().size(); i++) {
      Query.Item item = query.items().get(i);
      json.append(i == 0 ? "{" : ",{");
      boolean types = !item.types().isEmpty();
      if (types) {
        json.append("\"types\":");
        array(json, item.types());
      }
      if (!item.tags().isEmpty()) {
        json.append(types ? ",\"tags\":" : "\"tags\":");
        array(json, item.tags());
      }
      json.append('}');
    }
    return json.append("]}").toString();
  }

  private static void array(StringBuilder json, Set<String> values) {
    json.append('[');
    List<String> sorted = values.stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      string(json, sorted.get(i));
    }
    json.append(']');
  }

  private static void string(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }

  /**
   * The condition as compact JSON: {@code {"failIfEventsMatch": <query>, "after": n}}, without
   * {@code after} when it has none.
   */
  public static String writeCondition(AppendCondition condition) {
    return "{\"failIfEventsMatch\":"
        + write(condition.failIfEventsMatch())
        + (condition.hasAfter() ? ",\"after\":" + condition.after() : "")
        + "}";
  }

  /**
   * Reads an append condition: {@code failIfEventsMatch} (a query) is required, {@code after} (a
   * position, an integer >= 0) is optional.
   */
  public static AppendCondition readCondition(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidArgumentException(
          "'condition' must be an object {\"failIfEventsMatch\": {...}, \"after\": n}");
    }
    checkFields(node, CONDITION_FIELDS, "'condition'");
    Query query = read(node.get("failIfEventsMatch"), "'failIfEventsMatch'");
    JsonNode after = node.get("after");
    if (after == null || after.isNull()) {
      return AppendCondition.failIfEventsMatch(query);
    }
    if (!after.isIntegralNumber() || !after.canConvertToLong() || after.longValue() < 0) {
      throw new InvalidArgumentException(
          "the condition's 'after' must be a position (an integer >= 0), was " + after);
    }
    return new AppendCondition(query, after.longValue());
  }

  /** Reads a query from its JSON tree; {@code what} names it in error messages. */
  public static Query read(JsonNode node, String what) {
    if (node == null || !node.isObject()) {
      throw new InvalidArgumentException(what + " must be a JSON object {\"items\": [...]}");
    }
    checkFields(node, QUERY_FIELDS, what);
    JsonNode items = node.get("items");
    if (items == null || !items.isArray()) {
      throw new InvalidArgumentException(what + " needs 'items', an array (empty: every event)");
    }
    List<Query.Item> parsed = new ArrayList<>(items.size());
    for (JsonNode item : items) {
      if (!item.isObject()) {
        throw new InvalidArgumentException(
            "each item of " + what + " must be an object with 'types' and/or 'tags'");
      }
      checkFields(item, ITEM_FIELDS, what + " item");
      parsed.add(
          new Query.Item(
              strings(item.get("types"), what + " item 'types'"),
              strings(item.get("tags"), what + " item 'tags'")));
    }
    return new Query(parsed);
  }

  private static Set<String> strings(JsonNode node, String what) {
    Set<String> values = new LinkedHashSet<>();
    if (node == null) {
      return values;
    }
    if (!node.isArray()) {
      throw new InvalidArgumentException(what + " must be an array of strings");
    }
    for (JsonNode value : node) {
      if (!value.isTextual()) {
        throw new InvalidArgumentException(what + " must be an array of strings");
      }
      if (!values.add(value.textValue())) {
        throw new InvalidArgumentException(what + " names '" + value.textValue() + "' twice");
      }
    }
    return values;
  }

  private static void checkFields(JsonNode node, Set<String> allowed, String what) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new InvalidArgumentException(
            what + " has an unknown member '" + name + "' (allowed: " + allowed + ")");
      }
    }
  }
}
