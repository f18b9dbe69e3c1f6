package dev.factum.storage.postgres;

import dev.factum.engine.spi.ListedStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the heads of {@code factum_streams} by name prefix after a name cursor, in the byte order
 * of the UTF-8 names ({@code COLLATE "C"}, served by the index {@code factum_streams_by_name} of
 * schema version 4), so a page is one index range scan.
 *
 * <p>A prefix becomes the range {@code [prefix, upper)}, where {@code upper} is the prefix with its
 * last code point incremented ({@link #upperBound}): exactly the names that start with the prefix,
 * as bounds the index can use (a {@code LIKE} with a bound parameter is not planned as a range).
 */
final class StreamListingQuery {
  private StreamListingQuery() {}

  static List<ListedStream> list(Connection connection, String prefix, String after, int limit)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql(prefix, after))) {
      bind(select, prefix, after, limit);
      List<ListedStream> page = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          page.add(new ListedStream(rs.getString(1), EventRows.head(rs)));
        }
      }
      return page;
    }
  }

  /** The statement of a page (package-private for the test that checks its plan uses the index). */
  static String sql(String prefix, String after) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(EventRows.HEAD_COLUMNS)
            .append(" FROM factum_streams WHERE stream COLLATE \"C\" >= ?");
    if (!prefix.isEmpty() && upperBound(prefix) != null) {
      sql.append(" AND stream COLLATE \"C\" < ?");
    }
    if (after != null) {
      sql.append(" AND stream COLLATE \"C\" > ?");
    }
    return sql.append(" ORDER BY stream COLLATE \"C\" LIMIT ?").toString();
  }

  static void bind(PreparedStatement select, String prefix, String after, int limit)
      throws SQLException {
    String upper = prefix.isEmpty() ? null : upperBound(prefix);
    int index = 1;
    select.setString(index++, prefix);
    if (upper != null) {
      select.setString(index++, upper);
    }
    if (after != null) {
      select.setString(index++, after);
    }
    select.setInt(index, limit);
  }

  /**
   * The least string greater than every string that starts with {@code prefix}: the prefix with its
   * last code point incremented (skipping the surrogate range), or, when that is U+10FFFF, the
   * shorter prefix's bound; null when there is none (a prefix of only U+10FFFF).
   */
  static String upperBound(String prefix) {
    int end = prefix.length();
    while (end > 0) {
      int last = prefix.codePointBefore(end);
      int start = end - Character.charCount(last);
      if (last < Character.MAX_CODE_POINT) {
        int next = last + 1 == Character.MIN_SURROGATE ? Character.MAX_SURROGATE + 1 : last + 1;
        return prefix.substring(0, start) + Character.toString(next);
      }
      end = start;
    }
    return null;
  }
}
