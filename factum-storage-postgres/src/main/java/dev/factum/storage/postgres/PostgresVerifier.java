package dev.factum.storage.postgres;

import dev.factum.api.ChainAnchor;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamNames;
import dev.factum.engine.spi.ChainAudit;
import dev.factum.engine.spi.ChainBatch;
import dev.factum.engine.spi.ChainCheck;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.VerifyReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checks every invariant of the stored data in one consistent snapshot (REPEATABLE READ), with set
 * queries so that a large store is checked by the database rather than row by row here.
 *
 * <p>Each check is a query that returns the offending rows (at most {@link #SHOWN} of them) and a
 * description; an empty result means the invariant holds. Checked: positions are exactly 0..last
 * with {@code factum_log} naming the last, each one either an event or a removal marker (schema
 * version 6: scavenging), never both; timestamps never decrease along positions; each stream's
 * revisions, events and markers together, are 0..n with positions increasing with revision; each
 * head matches its stream's newest event or marker; a marker lies below its stream's first visible
 * revision (one above it is damage: a read could ask for that revision); categories are derived
 * from stream names; the tag index holds exactly the events' tags (a removed event's tag rows went
 * with it). Deletion events ({@code $deletions}) are checked row by row in Java (there are few):
 * each is well formed, carries the category of the stream it deletes, records the delete point that
 * stream had at its position, follows no tombstone of it, and is held by the stream's head. Last,
 * the hash chain ({@link ChainAudit}) is walked row by row: the {@code factum_chain} rows in
 * position order beside the events' canonical encodings ({@link PgEventDigest}), and its recomputed
 * head must be the one on the {@code factum_log} row; a removed position is checked from the digest
 * its chain row kept (the chain rows are never changed by scavenging), a position with neither an
 * event nor a marker is a break.
 */
final class PostgresVerifier {
  private static final int SHOWN = 20;

  private record Check(String description, String sql) {}

  /**
   * Every position of the log, event or removal marker: what the density checks walk (a removed
   * event keeps its stream, revision and position).
   */
  private static final String SLOTS =
      "(SELECT position, stream, revision FROM factum_events UNION ALL SELECT position, stream,"
          + " revision FROM factum_removed)";

  private static final List<Check> CHECKS =
      List.of(
          new Check(
              "the log row disagrees with the events and removal markers (last_position, count,"
                  + " min, max)",
              "SELECT l.last_position, e.n, e.lo, e.hi FROM factum_log l, (SELECT count(*) n,"
                  + " min(position) lo, max(position) hi FROM "
                  + SLOTS
                  + " u) e WHERE l.last_position <> coalesce(e.hi, -1) OR e.n <> l.last_position"
                  + " + 1 OR (e.n > 0 AND e.lo <> 0)"),
          new Check(
              "a position holds both an event and a removal marker (position)",
              "SELECT r.position FROM factum_removed r JOIN factum_events e ON e.position ="
                  + " r.position"),
          new Check(
              "an event's timestamp is earlier than the one before it (position)",
              "SELECT position FROM (SELECT position, recorded_micros, lag(recorded_micros) OVER"
                  + " (ORDER BY position) prev FROM factum_events) x WHERE recorded_micros <"
                  + " prev"),
          new Check(
              "a stream's revisions are not 0..n in position order (stream)",
              "SELECT stream FROM (SELECT stream, revision, position, row_number() OVER w - 1 rn,"
                  + " lag(position) OVER w prev FROM "
                  + SLOTS
                  + " u WINDOW w AS (PARTITION BY stream ORDER BY revision)) x WHERE revision <>"
                  + " rn OR position <= prev"),
          new Check(
              "a stream head does not match its newest event (stream)",
              "SELECT s.stream FROM factum_streams s LEFT JOIN (SELECT stream, max(revision) rev,"
                  + " max(position) pos FROM "
                  + SLOTS
                  + " u GROUP BY stream) e ON e.stream = s.stream WHERE (e.stream IS NULL AND"
                  + " s.last_revision <> -1) OR (e.stream IS NOT NULL AND (s.last_revision <>"
                  + " e.rev OR s.last_position <> e.pos)) OR s.first_visible_revision >"
                  + " s.last_revision + 1 OR s.status NOT IN (1, 2, 3)"),
          new Check(
              "a stream with events has no head (stream)",
              "SELECT DISTINCT e.stream FROM "
                  + SLOTS
                  + " e WHERE NOT EXISTS (SELECT 1 FROM factum_streams s WHERE s.stream ="
                  + " e.stream)"),
          new Check(
              "a removed event's revision is one its stream still shows, at or above the head's"
                  + " first visible revision, or its reason is unknown (stream, revision,"
                  + " position)",
              "SELECT r.stream, r.revision, r.position FROM factum_removed r LEFT JOIN"
                  + " factum_streams s ON s.stream = r.stream WHERE s.stream IS NULL OR"
                  + " r.revision >= s.first_visible_revision OR r.reason NOT IN (1, 2, 3)"),
          new Check(
              "an event's category is not derived from its stream name (position)",
              "SELECT position FROM factum_events WHERE category <> split_part(stream, '-', 1)"
                  + " AND stream <> '$deletions'"),
          new Check(
              "the tag index and the events' tags differ (tag, position)",
              "SELECT coalesce(i.tag, e.tag) || ' @ ' || coalesce(i.position, e.position) FROM"
                  + " factum_event_tags i FULL JOIN (SELECT unnest(tags) tag, position FROM"
                  + " factum_events) e ON e.tag = i.tag AND e.position = i.position WHERE i.tag IS"
                  + " NULL OR e.tag IS NULL"));

  private PostgresVerifier() {}

  static VerifyReport verify(Connection connection, ChainAnchor anchor) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    connection.setReadOnly(true);
    try (Statement statement = connection.createStatement()) {
      List<String> problems = new ArrayList<>();
      long problemCount = 0;
      for (Check check : CHECKS) {
        try (ResultSet rs = statement.executeQuery(check.sql())) {
          while (rs.next()) {
            problemCount++;
            if (problems.size() < SHOWN) {
              problems.add(check.description() + ": " + row(rs));
            }
          }
        }
      }
      for (String problem : checkDeletions(connection)) {
        problemCount++;
        if (problems.size() < SHOWN) {
          problems.add(problem);
        }
      }
      List<String> chainProblems = new ArrayList<>();
      ChainCheck chain = checkChain(connection, anchor, chainProblems::add);
      for (String problem : chainProblems) {
        problemCount++;
        if (problems.size() < SHOWN) {
          problems.add(problem);
        }
      }
      long events = count(statement, "SELECT count(*) FROM factum_events");
      long streams = count(statement, "SELECT count(*) FROM factum_streams");
      long tags = count(statement, "SELECT count(*) FROM factum_event_tags");
      return new VerifyReport(events, streams, tags, problemCount, problems, chain);
    } finally {
      connection.rollback();
      connection.setReadOnly(false);
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * Two cursors in the snapshot, both in position order: the chain rows, and the events' rows from
   * the chain's start, each encoded canonically and digested as the writer did.
   */
  private static ChainCheck checkChain(
      Connection connection, ChainAnchor anchor, Consumer<String> problems) throws SQLException {
    long chainStart;
    long lastPosition;
    byte[] storedHead;
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT chain_start, last_position, chain_head FROM factum_log")) {
      if (!rs.next()) {
        problems.accept("the factum_log row is missing");
        return null;
      }
      chainStart = rs.getLong(1);
      lastPosition = rs.getLong(2);
      storedHead = rs.getBytes(3);
    }
    try (PreparedStatement chainRows =
            connection.prepareStatement(
                "SELECT last_position, first_position, chain, digests FROM factum_chain ORDER BY"
                    + " last_position");
        PreparedStatement eventRows =
            connection.prepareStatement(
                "SELECT "
                    + PgEventDigest.COLUMNS
                    + " FROM factum_events WHERE position >= ? ORDER BY position");
        PreparedStatement removedRows =
            connection.prepareStatement(
                "SELECT position FROM factum_removed WHERE position >= ? ORDER BY position")) {
      chainRows.setFetchSize(256);
      eventRows.setFetchSize(256);
      removedRows.setFetchSize(256);
      eventRows.setLong(1, chainStart);
      removedRows.setLong(1, chainStart);
      try (ResultSet chain = chainRows.executeQuery();
          ResultSet events = eventRows.executeQuery();
          ResultSet removed = removedRows.executeQuery()) {
        ChainAudit audit =
            new ChainAudit(chainStart, anchor, new RowDigests(events, removed), problems);
        while (chain.next()) {
          long last = chain.getLong(1);
          long first = chain.getLong(2);
          byte[] value = chain.getBytes(3);
          byte[] digests = chain.getBytes(4);
          if (first > last
              || first < 0
              || value == null
              || value.length != HashChain.HASH_BYTES
              || digests == null
              || digests.length != (last - first + 1) * HashChain.HASH_BYTES) {
            audit.damagedBatch(
                last, "its columns do not hold a chain record of [" + first + ".." + last + "]");
            continue;
          }
          List<byte[]> each = new ArrayList<>();
          for (int i = 0; i < digests.length; i += HashChain.HASH_BYTES) {
            each.add(Arrays.copyOfRange(digests, i, i + HashChain.HASH_BYTES));
          }
          audit.batch(new ChainBatch(first, last, value, each));
        }
        ChainCheck check = audit.finish(lastPosition);
        if (check.intact()
            && check.head().position() == lastPosition
            && !HexFormat.of()
                .formatHex(storedHead == null ? new byte[0] : storedHead)
                .equals(check.head().hash())) {
          problems.accept(
              "the chain head on the factum_log row is not the chain's value at " + lastPosition);
        }
        return check;
      }
    }
  }

  /**
   * The events' side of the chain audit: one forward cursor over the event rows, and one over the
   * removal markers for the removal hook ({@link ChainAudit.StoredDigests#isRemoved}): a position
   * with a marker was removed by scavenging, and the audit checks its place from the chain row's
   * digest. Both are asked in ascending position order.
   */
  private static final class RowDigests implements ChainAudit.StoredDigests {
    private final HashChain hashes = new HashChain();
    private final ResultSet rows;
    private final ResultSet removed;
    private boolean loaded;
    private boolean more = true;
    private long nextRemoved =
        -1; // the marker position the removed cursor stands on, -1: none read
    private boolean moreRemoved = true;

    RowDigests(ResultSet rows, ResultSet removed) {
      this.rows = rows;
      this.removed = removed;
    }

    @Override
    public boolean isRemoved(long position) {
      try {
        while (moreRemoved && nextRemoved < position) {
          moreRemoved = removed.next();
          if (moreRemoved) {
            nextRemoved = removed.getLong(1);
          }
        }
        return moreRemoved && nextRemoved == position;
      } catch (SQLException e) {
        throw PgErrors.translate("reading removal markers to verify the chain", e);
      }
    }

    @Override
    public byte[] digest(long position) {
      try {
        while (more) {
          if (!loaded) {
            more = rows.next();
            loaded = more;
            if (!more) {
              break;
            }
          }
          long at = rows.getLong(1);
          if (at > position) {
            return null;
          }
          loaded = false;
          if (at == position) {
            return hashes.digest(PgEventDigest.encode(rows));
          }
        }
        return null;
      } catch (SQLException e) {
        throw PgErrors.translate("reading events to verify the chain", e);
      }
    }
  }

  private static List<String> checkDeletions(Connection connection) throws SQLException {
    List<String> problems = new ArrayList<>();
    Map<String, StreamDeletion> last = new HashMap<>();
    try (Statement rows = connection.createStatement();
        PreparedStatement before =
            connection.prepareStatement(
                "SELECT coalesce(max(revision), -1) FROM "
                    + SLOTS
                    + " u WHERE stream = ? AND position < ?");
        ResultSet rs =
            rows.executeQuery(
                "SELECT position, type, data, metadata IS NULL, cardinality(tags), category FROM"
                    + " factum_events WHERE stream = '$deletions' ORDER BY position")) {
      while (rs.next()) {
        long position = rs.getLong(1);
        Optional<StreamDeletion> parsed = StreamDeletion.of(rs.getString(2), rs.getBytes(3));
        if (parsed.isEmpty() || !rs.getBoolean(4) || rs.getInt(5) != 0) {
          problems.add("a $deletions event is not a deletion (position): " + position);
          continue;
        }
        StreamDeletion deletion = parsed.get();
        if (!rs.getString(6).equals(StreamNames.category(deletion.stream()))) {
          problems.add(
              "a deletion event's category is not its deleted stream's (position): " + position);
        }
        before.setString(1, deletion.stream());
        before.setLong(2, position);
        long lastRevision;
        try (ResultSet r = before.executeQuery()) {
          r.next();
          lastRevision = r.getLong(1);
        }
        StreamDeletion previous = last.put(deletion.stream(), deletion);
        if (deletion.truncateBefore() != lastRevision + 1
            || (previous != null && previous.tombstone())) {
          problems.add(
              "a deletion event does not record its stream's delete point (position): " + position);
        }
      }
    }
    try (PreparedStatement head =
        connection.prepareStatement(
            "SELECT first_visible_revision, status FROM factum_streams WHERE stream = ?")) {
      for (StreamDeletion deletion : last.values()) {
        head.setString(1, deletion.stream());
        try (ResultSet rs = head.executeQuery()) {
          if (!rs.next()
              || rs.getLong(1) < deletion.truncateBefore()
              || (deletion.tombstone() && rs.getInt(2) != 3)) {
            problems.add(
                "a stream's head does not hold its last deletion (stream): " + deletion.stream());
          }
        }
      }
    }
    return problems;
  }

  private static String row(ResultSet rs) throws SQLException {
    int columns = rs.getMetaData().getColumnCount();
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= columns; i++) {
      text.append(i > 1 ? ", " : "").append(rs.getString(i));
    }
    return text.toString();
  }

  private static long count(Statement statement, String sql) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
