package dev.factum.storage.postgres;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells "removed" from "missing" on an unfiltered read of the log: every position a page passes
 * over without an event must hold a removal marker ({@code factum_removed}), else the read fails
 * {@code data-corrupted}, as on RocksDB, instead of skipping the position silently.
 *
 * <p>Design note: the positions a page passes over are known from the page alone (from the read's
 * start to its last event, and, when the page is short, on to the published head), so a page with
 * no gap costs nothing more; a page with gaps costs one more query that counts markers per gap. The
 * check runs after the page, in a later snapshot: removal only ever adds markers and the log only
 * grows, so a position without an event in the page's snapshot is still without one, and holds a
 * marker if it ever will. The trailing gap of a short page is bounded by {@code maxPosition}, the
 * published head, whose events every snapshot of the read already holds (and by the log row's
 * {@code last_position}, for a caller that passes no real bound).
 *
 * <p>Filtered reads are not checked: their indexes say nothing about the positions between their
 * entries (a removed event's index rows are deleted with it, as on RocksDB).
 */
final class LogGaps {
  private static final String COUNT =
      "SELECT g.lo, LEAST(g.hi, l.last_position), (SELECT count(*) FROM factum_removed r WHERE"
          + " r.position BETWEEN g.lo AND LEAST(g.hi, l.last_position)) FROM unnest(?::bigint[],"
          + " ?::bigint[]) AS g(lo, hi), factum_log l";

  private static final String FIRST_MISSING =
      "SELECT min(p) FROM generate_series(?::bigint, ?::bigint) p WHERE NOT EXISTS (SELECT 1 FROM"
          + " factum_removed r WHERE r.position = p) AND NOT EXISTS (SELECT 1 FROM factum_events"
          + " e WHERE e.position = p)";

  private LogGaps() {}

  /**
   * Checks the positions {@code page} (an unfiltered read from {@code from} in {@code direction},
   * at most {@code limit} events, not beyond {@code maxPosition}) passed over.
   */
  static void check(
      Connection connection,
      long from,
      Direction direction,
      int limit,
      long maxPosition,
      List<RecordedEvent> page)
      throws SQLException {
    List<long[]> gaps = gaps(from, direction, limit, maxPosition, page);
    if (gaps.isEmpty()) {
      return;
    }
    Long[] lows = new Long[gaps.size()];
    Long[] highs = new Long[gaps.size()];
    for (int i = 0; i < gaps.size(); i++) {
      lows[i] = gaps.get(i)[0];
      highs[i] = gaps.get(i)[1];
    }
    try (PreparedStatement count = connection.prepareStatement(COUNT)) {
      count.setArray(1, connection.createArrayOf("bigint", lows));
      count.setArray(2, connection.createArrayOf("bigint", highs));
      try (ResultSet rs = count.executeQuery()) {
        while (rs.next()) {
          long lo = rs.getLong(1);
          long hi = rs.getLong(2);
          if (hi >= lo && rs.getLong(3) != hi - lo + 1) {
            throw missing(connection, lo, hi);
          }
        }
      }
    }
  }

  /** The ranges [lo, hi] of positions the page passed over without an event. */
  static List<long[]> gaps(
      long from, Direction direction, int limit, long maxPosition, List<RecordedEvent> page) {
    List<long[]> gaps = new ArrayList<>();
    if (direction == Direction.FORWARD) {
      long next = from;
      for (RecordedEvent event : page) {
        if (event.position() > next) {
          gaps.add(new long[] {next, event.position() - 1});
        }
        next = event.position() + 1;
      }
      if (page.size() < limit && next <= maxPosition && next >= 0) {
        gaps.add(new long[] {next, maxPosition});
      }
    } else {
      long next = Math.min(from, maxPosition);
      for (RecordedEvent event : page) {
        if (event.position() < next) {
          gaps.add(new long[] {event.position() + 1, next});
        }
        next = event.position() - 1;
      }
      if (page.size() < limit && next >= 0) {
        gaps.add(new long[] {0, next});
      }
    }
    return gaps;
  }

  private static DataCorruptedException missing(Connection connection, long lo, long hi)
      throws SQLException {
    try (PreparedStatement first = connection.prepareStatement(FIRST_MISSING)) {
      first.setLong(1, lo);
      first.setLong(2, hi);
      try (ResultSet rs = first.executeQuery()) {
        rs.next();
        long position = rs.getLong(1);
        return new DataCorruptedException(
            "the log has no event at position "
                + (rs.wasNull() ? lo + ".." + hi : String.valueOf(position))
                + " and no removal marker there (it was not scavenged)");
      }
    }
  }
}
