package dev.factum.projections;

import dev.factum.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A projection definition: its name, the feed (aggregate type) it reads, single (one projection per
 * aggregate, or per {@code idField} value) or aggregated (one projection over the whole feed), its
 * handlers per event type, and the fields the list query may search.
 *
 * <p>What must stay true: a definition that exists passed {@link #checked} (names, bounds, every
 * function compiled), so the runner never meets a bad definition. {@code signingSecret} is kept and
 * returned as given; Factum has no use for it (it signs Serialized's HTTP handler calls, which
 * Factum does not make: {@code functionUri} handlers are refused).
 */
public record ProjectionDefinition(
    String name,
    String feedName,
    String description,
    boolean aggregated,
    String idField,
    String signingSecret,
    List<ProjectionHandler> handlers,
    List<String> indexedFields) {
  public static final int MAX_NAME_CHARS = 100;
  public static final int MAX_HANDLERS = 100;
  public static final int MAX_FUNCTIONS = 100;
  public static final int MAX_INDEXED_FIELDS = 16;

  public ProjectionDefinition {
    handlers = List.copyOf(handlers);
    indexedFields = List.copyOf(indexedFields);
  }

  /** This definition, checked; {@link InvalidArgumentException} says what is wrong. */
  public ProjectionDefinition checked() {
    checkName(name, "projectionName");
    checkName(feedName, "feedName");
    if (feedName.length() > 64
        || feedName.contains("-")
        || feedName.contains(".")
        || feedName.startsWith("_")) {
      throw new InvalidArgumentException(
          "feedName '"
              + feedName
              + "' is an aggregate type: 1 to 64 ASCII letters, digits or '_',"
              + " not starting with '_'");
    }
    if (description != null && description.length() > 1_000) {
      throw new InvalidArgumentException("description is at most 1000 characters");
    }
    if (idField != null) {
      checkField(idField, "idField");
      if (aggregated) {
        throw new InvalidArgumentException("an aggregated projection takes no idField");
      }
    }
    if (handlers.isEmpty() || handlers.size() > MAX_HANDLERS) {
      throw new InvalidArgumentException("a definition has 1 to " + MAX_HANDLERS + " handlers");
    }
    Set<String> types = new HashSet<>();
    for (ProjectionHandler handler : handlers) {
      if (handler.eventType() == null
          || handler.eventType().isEmpty()
          || handler.eventType().length() > 200) {
        throw new InvalidArgumentException("a handler needs an eventType of 1 to 200 characters");
      }
      if (!types.add(handler.eventType())) {
        throw new InvalidArgumentException(
            "two handlers for event type '" + handler.eventType() + "'");
      }
      if (handler.idField() != null) {
        checkField(handler.idField(), "handler idField");
        if (aggregated) {
          throw new InvalidArgumentException("an aggregated projection takes no idField");
        }
      }
      if (handler.functions().isEmpty() || handler.functions().size() > MAX_FUNCTIONS) {
        throw new InvalidArgumentException(
            "handler '" + handler.eventType() + "' has 1 to " + MAX_FUNCTIONS + " functions");
      }
      handler.functions().forEach(ProjectionFunction::compile);
    }
    if (indexedFields.size() > MAX_INDEXED_FIELDS) {
      throw new InvalidArgumentException("at most " + MAX_INDEXED_FIELDS + " indexedFields");
    }
    for (String field : indexedFields) {
      checkField(field, "indexedFields");
    }
    return this;
  }

  /** The compiled functions per event type. */
  List<List<ProjectionFunction.Compiled>> compiled() {
    List<List<ProjectionFunction.Compiled>> all = new ArrayList<>();
    for (ProjectionHandler handler : handlers) {
      all.add(handler.functions().stream().map(ProjectionFunction::compile).toList());
    }
    return all;
  }

  /** A projection or feed name: 1 to 100 ASCII letters, digits, '_', '-' or '.'. */
  static void checkName(String value, String what) {
    if (value == null || value.isEmpty() || value.length() > MAX_NAME_CHARS) {
      throw new InvalidArgumentException(what + " is 1 to " + MAX_NAME_CHARS + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || c == '.';
      if (!ok) {
        throw new InvalidArgumentException(
            what + " '" + value + "' may hold only ASCII letters, digits, '_', '-' and '.'");
      }
    }
  }

  /** A field path of the event data or the projection: dotted names. */
  private static void checkField(String value, String what) {
    Selector.parse("$.event." + (value == null ? "" : value), what);
  }
}
