package dev.factum.engine;

import java.util.List;
import java.util.Optional;

/**
 * A set of stream names a listing may return: every name starting with {@code value} ({@code exact}
 * false), or the one name {@code value} ({@code exact} true). A category is two of them ({@link
 * #category}), so every filter a listing knows (prefix, category, a key's scopes) is a union of
 * ranges, and ranges intersect into ranges ({@link #intersect}): what lets a scoped or filtered
 * listing seek straight to the names it may return instead of filtering a scan.
 *
 * <p>Prefixes compare with {@link String#startsWith} (code unit by code unit), which for valid
 * Unicode is the same as a prefix of the UTF-8 bytes the storages order by.
 */
public record NameRange(String value, boolean exact) {
  /** Every name. */
  public static final NameRange ALL = prefix("");

  public NameRange {
    if (value == null) {
      throw new IllegalArgumentException("a name range needs a value");
    }
  }

  public static NameRange prefix(String prefix) {
    return new NameRange(prefix, false);
  }

  public static NameRange exactly(String name) {
    return new NameRange(name, true);
  }

  /** The names of a category: the name itself, and every name starting with it and {@code -}. */
  public static List<NameRange> category(String category) {
    return List.of(exactly(category), prefix(category + "-"));
  }

  /** Whether {@code name} is in this range. */
  public boolean contains(String name) {
    return exact ? value.equals(name) : name.startsWith(value);
  }

  /** The names in both ranges, if any. */
  public Optional<NameRange> intersect(NameRange other) {
    if (exact) {
      return other.contains(value) ? Optional.of(this) : Optional.empty();
    }
    if (other.exact) {
      return contains(other.value) ? Optional.of(other) : Optional.empty();
    }
    if (value.startsWith(other.value)) {
      return Optional.of(this);
    }
    return other.value.startsWith(value) ? Optional.of(other) : Optional.empty();
  }

  /** The names in both unions. */
  public static List<NameRange> intersect(List<NameRange> a, List<NameRange> b) {
    return a.stream().flatMap(x -> b.stream().flatMap(y -> x.intersect(y).stream())).toList();
  }
}
