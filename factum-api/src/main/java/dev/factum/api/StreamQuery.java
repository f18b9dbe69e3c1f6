package dev.factum.api;

/**
 * Which streams {@link EventStore#listStreams} lists: those whose name starts with {@code prefix}
 * and whose category ({@link StreamNames#category}) is {@code category}, each when given, in the
 * byte order of their UTF-8 names, starting after the name {@code after}, at most {@code limit}.
 *
 * <p>The system streams (names starting with {@code $}) are listed only with {@code includeSystem}.
 * Paging by name means a stream that existed when the first page was read appears on exactly one
 * page, whatever is appended or created meanwhile.
 *
 * @param prefix a name prefix, or null (or empty) for any name
 * @param category a category (no {@code -}), or null for any
 * @param after the name the previous page ended at ({@link StreamPage#next}), or null for the start
 * @param limit most streams on the page, at least 1
 * @param includeSystem whether the system streams ({@code $...}) are listed too
 */
public record StreamQuery(
    String prefix, String category, String after, int limit, boolean includeSystem) {

  /** The first page of every user stream. */
  public static StreamQuery all(int limit) {
    return new StreamQuery(null, null, null, limit, false);
  }

  public StreamQuery {
    prefix = prefix == null || prefix.isEmpty() ? null : prefix;
    category = category == null || category.isEmpty() ? null : category;
    after = after == null || after.isEmpty() ? null : after;
    if (limit < 1) {
      throw new InvalidArgumentException("a stream listing's limit must be at least 1");
    }
    if (category != null && category.indexOf('-') >= 0) {
      throw new InvalidArgumentException("a category has no '-': " + category);
    }
  }

  /** This query with the prefix {@code prefix}. */
  public StreamQuery withPrefix(String value) {
    return new StreamQuery(value, category, after, limit, includeSystem);
  }

  /** This query with the category {@code category}. */
  public StreamQuery withCategory(String value) {
    return new StreamQuery(prefix, value, after, limit, includeSystem);
  }

  /** This query resumed after the stream named {@code name}: the next page. */
  public StreamQuery after(String name) {
    return new StreamQuery(prefix, category, name, limit, includeSystem);
  }

  /** This query with or without the system streams. */
  public StreamQuery withSystem(boolean value) {
    return new StreamQuery(prefix, category, after, limit, value);
  }
}
