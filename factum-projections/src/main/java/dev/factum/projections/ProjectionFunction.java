package dev.factum.projections;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.InvalidArgumentException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * One function of a handler, as Serialized defines it: what it does ({@link Kind}), the projection
 * field it changes ({@code targetSelector}, optionally narrowed to array elements by {@code
 * targetFilter}), where its value comes from ({@code eventSelector} or {@code rawData}), and an
 * {@code eventFilter} that the event must pass for the function to apply.
 *
 * <p>What must stay true: {@link #of} checks every combination a function needs (a target for the
 * functions that change a field, a value for those that write one) so that a definition it accepts
 * never fails while events are applied; an event that lacks a selected value leaves the projection
 * as it is.
 */
public record ProjectionFunction(
    Kind kind,
    String targetSelector,
    String targetFilter,
    String eventSelector,
    String eventFilter,
    JsonNode rawData) {

  /** The functions of Serialized's {@code Functions}. */
  public enum Kind {
    SET,
    UNSET,
    INC,
    DEC,
    ADD,
    SUBTRACT,
    PUSH,
    APPEND,
    PREPEND,
    ADDTOSET,
    REMOVE,
    CLEAR,
    MERGE,
    SETREF,
    CLEARREF,
    DELETE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(String name) {
      for (Kind kind : values()) {
        if (kind.wireName().equals(name)) {
          return kind;
        }
      }
      throw new InvalidArgumentException(
          "unknown function '" + name + "'; the functions are " + EnumSet.allOf(Kind.class));
    }
  }

  private static final Set<Kind> NEED_TARGET =
      EnumSet.of(
          Kind.SET,
          Kind.UNSET,
          Kind.INC,
          Kind.DEC,
          Kind.ADD,
          Kind.SUBTRACT,
          Kind.PUSH,
          Kind.APPEND,
          Kind.PREPEND,
          Kind.ADDTOSET,
          Kind.REMOVE);
  private static final Set<Kind> NEED_VALUE =
      EnumSet.of(
          Kind.SET,
          Kind.ADD,
          Kind.SUBTRACT,
          Kind.PUSH,
          Kind.APPEND,
          Kind.PREPEND,
          Kind.ADDTOSET,
          Kind.SETREF);
  private static final Set<Kind> TAKE_FILTERED_TARGET =
      EnumSet.of(Kind.SET, Kind.REMOVE, Kind.MERGE);
  private static final Set<Kind> NO_TARGET = EnumSet.of(Kind.SETREF, Kind.CLEARREF, Kind.DELETE);

  /** A checked function; {@link InvalidArgumentException} says what is wrong. */
  public static ProjectionFunction of(
      String function,
      String targetSelector,
      String targetFilter,
      String eventSelector,
      String eventFilter,
      JsonNode rawData) {
    if (function == null) {
      throw new InvalidArgumentException("a function needs 'function'");
    }
    ProjectionFunction parsed =
        new ProjectionFunction(
            Kind.parse(function),
            targetSelector,
            targetFilter,
            eventSelector,
            eventFilter,
            rawData);
    parsed.compile();
    return parsed;
  }

  /** The function's parsed selectors and filters (checked: see {@link #of}). */
  Compiled compile() {
    String what = "function '" + kind.wireName() + "'";
    Selector target = null;
    if (targetSelector != null) {
      target = Selector.parse(targetSelector, what + ": targetSelector");
      if (target.root() != Selector.Root.PROJECTION) {
        throw new InvalidArgumentException(what + ": targetSelector must select $.projection…");
      }
      if (NO_TARGET.contains(kind)) {
        throw new InvalidArgumentException(what + " takes no targetSelector");
      }
      if (target.fields().isEmpty() && kind != Kind.MERGE && kind != Kind.CLEAR) {
        throw new InvalidArgumentException(what + ": targetSelector must name a field");
      }
    } else if (NEED_TARGET.contains(kind)) {
      throw new InvalidArgumentException(what + " needs a targetSelector");
    }
    Filter filter = null;
    if (targetFilter != null) {
      if (target == null || !target.filtered()) {
        throw new InvalidArgumentException(
            what + ": a targetFilter needs a targetSelector ending in [?]");
      }
      filter = Filter.parse(targetFilter, what + ": targetFilter");
    }
    if (target != null && target.filtered()) {
      if (!TAKE_FILTERED_TARGET.contains(kind)) {
        throw new InvalidArgumentException(what + " does not take a [?] target");
      }
      if (filter == null) {
        throw new InvalidArgumentException(what + ": a [?] target needs a targetFilter");
      }
    }
    if (eventSelector != null && rawData != null) {
      throw new InvalidArgumentException(what + " takes eventSelector or rawData, not both");
    }
    Selector source =
        eventSelector == null ? null : Selector.parse(eventSelector, what + ": eventSelector");
    if (NEED_VALUE.contains(kind) && source == null && rawData == null) {
      throw new InvalidArgumentException(what + " needs an eventSelector or rawData");
    }
    if (kind == Kind.REMOVE && source == null && rawData == null && filter == null) {
      throw new InvalidArgumentException(
          what + " needs an eventSelector, rawData or a targetFilter");
    }
    Filter onEvent = eventFilter == null ? null : Filter.parse(eventFilter, what + ": eventFilter");
    return new Compiled(kind, target, filter, source, rawData, onEvent);
  }

  /** The parsed form the interpreter runs. */
  record Compiled(
      Kind kind,
      Selector target,
      Filter targetFilter,
      Selector source,
      JsonNode rawData,
      Filter eventFilter) {}
}
