package dev.factum.storage.postgres;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Tells "removed" from "missing" on a stream read: a stream's revisions are dense, and scavenging
 * only ever removes a prefix of them (everything below the floor it raises the head's first visible
 * revision to, in the same commit), so within one page revisions must follow one another exactly,
 * and a page that starts after the revision asked for (or, going backward, stops short above the
 * lowest one) is explained only by a removal the head's first visible revision covers.
 *
 * <p>Design note: the contiguity check costs nothing; the head is read (one primary-key lookup)
 * only for a page that starts late or stops short, which happens when a scavenging step commits
 * between the caller computing its start and the read, and when something is damaged. The head is
 * read after the page, in a later snapshot, where its first visible revision is at least the floor
 * of every removal the page saw.
 */
final class StreamGaps {
  private StreamGaps() {}

  static void check(
      Connection connection,
      String stream,
      long from,
      Direction direction,
      int limit,
      long minRevision,
      List<RecordedEvent> page)
      throws SQLException {
    boolean forward = direction == Direction.FORWARD;
    for (int i = 1; i < page.size(); i++) {
      long expected = page.get(i - 1).revision() + (forward ? 1 : -1);
      if (page.get(i).revision() != expected) {
        throw missing(stream, expected);
      }
    }
    if (forward) {
      long start = Math.max(from, minRevision);
      if (!page.isEmpty() && page.getFirst().revision() > start) {
        explainedByRemoval(connection, stream, page.getFirst().revision(), start);
      }
    } else if (!page.isEmpty() && page.size() < limit) {
      long lowest = page.getLast().revision();
      if (lowest > Math.max(minRevision, 0)) {
        explainedByRemoval(connection, stream, lowest, Math.max(minRevision, 0));
      }
    }
  }

  /**
   * Revisions {@code missingFrom..kept-1} are absent: fine only if the head's floor covers them.
   */
  private static void explainedByRemoval(
      Connection connection, String stream, long kept, long missingFrom) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT first_visible_revision FROM factum_streams WHERE stream = ?")) {
      select.setString(1, stream);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next() || kept > rs.getLong(1)) {
          throw missing(stream, missingFrom);
        }
      }
    }
  }

  private static DataCorruptedException missing(String stream, long revision) {
    return new DataCorruptedException(
        "the stream "
            + stream
            + " has no event at revision "
            + revision
            + ", which is not below its first visible revision (not scavenged)");
  }
}
