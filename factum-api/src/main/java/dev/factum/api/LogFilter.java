package dev.factum.api;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Selects events of the global log by stream category, event type, tag, or a Dynamic Consistency
 * Boundary {@link Query}. For {@code CATEGORY}, {@code TYPE} and {@code TAG} an event matches when
 * its attribute of {@code kind} is one of {@code values}; a {@code QUERY} filter matches what its
 * {@code query} matches (and has no values). Each kind is served by an index (a query by the type
 * and tag indexes, merged by position), so a sparse filter never scans the events it does not
 * match.
 *
 * <p>A query that matches every event becomes the {@code NONE} filter.
 */
public record LogFilter(Kind kind, Set<String> values, Query query) {

  /** The attribute a filter looks at. */
  public enum Kind {
    NONE,
    CATEGORY,
    TYPE,
    TAG,
    QUERY
  }

  private static final LogFilter NONE = new LogFilter(Kind.NONE, Set.of());

  public LogFilter {
    if (kind == null) {
      throw new InvalidArgumentException("filter kind is missing");
    }
    if (values != null && values.stream().anyMatch(Objects::isNull)) {
      throw new InvalidArgumentException("a filter value is null");
    }
    values = values == null ? Set.of() : Set.copyOf(values);
    if (kind == Kind.QUERY) {
      if (query == null) {
        throw new InvalidArgumentException("a query filter needs a query");
      }
      if (!values.isEmpty()) {
        throw new InvalidArgumentException("a query filter takes no values");
      }
      if (query.matchesAll()) {
        kind = Kind.NONE;
        query = null;
      }
    } else if (query != null) {
      throw new InvalidArgumentException("only a query filter takes a query");
    }
    if (kind != Kind.NONE && kind != Kind.QUERY && values.isEmpty()) {
      throw new InvalidArgumentException("a " + kind + " filter needs at least one value");
    }
  }

  /** A filter by category, type or tag values. */
  public LogFilter(Kind kind, Set<String> values) {
    this(kind, values, null);
  }

  /** Every event. */
  public static LogFilter none() {
    return NONE;
  }

  public static LogFilter categories(String... categories) {
    return new LogFilter(Kind.CATEGORY, asSet(categories));
  }

  public static LogFilter types(String... types) {
    return new LogFilter(Kind.TYPE, asSet(types));
  }

  public static LogFilter tags(String... tags) {
    return new LogFilter(Kind.TAG, asSet(tags));
  }

  /** The events {@code query} matches ({@link #none()} when it matches every event). */
  public static LogFilter query(Query query) {
    if (query == null) {
      throw new InvalidArgumentException("the query is missing");
    }
    return new LogFilter(Kind.QUERY, Set.of(), query);
  }

  /** Duplicates collapse; nulls are left for the constructor to reject. */
  private static Set<String> asSet(String... values) {
    return values == null ? null : new HashSet<>(Arrays.asList(values));
  }

  public boolean isNone() {
    return kind == Kind.NONE;
  }

  /** Whether {@code event} passes this filter. */
  public boolean matches(RecordedEvent event) {
    return switch (kind) {
      case NONE -> true;
      case CATEGORY -> values.contains(event.category());
      case TYPE -> values.contains(event.type());
      case TAG -> event.tags().stream().anyMatch(values::contains);
      case QUERY -> query.matches(event);
    };
  }
}
