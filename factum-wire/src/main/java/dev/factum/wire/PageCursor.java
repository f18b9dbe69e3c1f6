package dev.factum.wire;

import dev.factum.api.Direction;
import dev.factum.api.EventStore;

/**
 * Where a read page continues: the {@code from}, {@code direction} and {@code limit} of the next
 * request. The server writes it into a page's {@code next} link ({@link Urls}), and the client
 * reads it back with {@link #ofLink}, so neither side builds or takes apart the query by hand.
 *
 * <p>What must stay true: {@code ofLink(link).query()} of a link the server sent is that link's
 * read query; {@code from} of a link is always a position or revision (never {@code end}).
 */
public record PageCursor(long from, Direction direction, int limit) {
  /** The query {@code from=…&direction=…&limit=…}, without a leading {@code ?}. */
  public String query() {
    return "from="
        + (from == EventStore.END ? "end" : Long.toString(from))
        + "&direction="
        + (direction == Direction.FORWARD ? "forward" : "backward")
        + "&limit="
        + limit;
  }

  /**
   * The cursor of a {@code next} link (a path with a query, as the server writes it).
   *
   * @throws IllegalArgumentException if the link has no numeric {@code from}, a {@code direction}
   *     other than forward or backward, or a {@code limit} that is not a positive number
   */
  public static PageCursor ofLink(String link) {
    int question = link.indexOf('?');
    if (question < 0) {
      throw new IllegalArgumentException("a next link without a query: " + link);
    }
    Long from = null;
    Direction direction = Direction.FORWARD;
    int limit = 0;
    for (String pair : link.substring(question + 1).split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      switch (name) {
        case "from" -> from = digits(value, 18, "from");
        case "direction" ->
            direction =
                switch (value) {
                  case "forward" -> Direction.FORWARD;
                  case "backward" -> Direction.BACKWARD;
                  default ->
                      throw new IllegalArgumentException("a next link's direction: " + value);
                };
        case "limit" -> limit = (int) digits(value, 9, "limit");
        default -> {
          // the filter and anything else the link carries do not move the cursor
        }
      }
    }
    if (from == null) {
      throw new IllegalArgumentException("a next link without a position: " + link);
    }
    return new PageCursor(from, direction, limit);
  }

  private static long digits(String value, int maxDigits, String name) {
    if (value.isEmpty()
        || value.length() > maxDigits
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("a next link's " + name + " is not a number: " + value);
    }
    return Long.parseLong(value);
  }
}
