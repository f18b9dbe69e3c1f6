package dev.factum.api;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Selects events of the global log by stream category, event type or tag. An event matches when its
 * attribute of {@code kind} is one of {@code values}. Each kind has its own index, so a sparse
 * filter never scans the events it does not match.
 */
public record LogFilter(Kind kind, Set<String> values) {

  /** The attribute a filter looks at. */
  public enum Kind {
    NONE,
    CATEGORY,
    TYPE,
    TAG
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
    if (kind != Kind.NONE && values.isEmpty()) {
      throw new InvalidArgumentException("a " + kind + " filter needs at least one value");
    }
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
    };
  }
}
