package dev.factum.storage.postgres;

import dev.factum.api.DataCorruptedException;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.RemovedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Scavenging's rows (schema version 6, {@code factum_removed}): how a commit removes events, and
 * how a reader asks what stays of a removed one.
 *
 * <p>Design note: a removal is one statement inside the commit session's transaction, after the
 * commit lock and before the batch's events, heads, progress record and COMMIT, so removals, the
 * raised first visible revision and the scavenger's progress commit together or not at all. The
 * statement deletes an event row only if it is the very event the scavenger read (position, stream,
 * revision and id all match), deletes its tag rows, and records a marker for exactly the rows it
 * deleted ({@code DELETE ... RETURNING} feeding the {@code INSERT}). That is what makes a step
 * idempotent across servers: when two servers' scavengers queue the same step, the second one to
 * take the lock finds the rows gone and removes and records nothing; a marker is never written for
 * a row that was not there, so a missing row is never made to look removed.
 */
final class PgRemovals {
  private static final String REMOVE =
      "WITH input AS (SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::uuid[],"
          + " ?::smallint[]) AS u(position, stream, revision, event_id, reason)),"
          + " removed AS (DELETE FROM factum_events e USING input i WHERE e.position ="
          + " i.position AND e.stream = i.stream AND e.revision = i.revision AND e.event_id ="
          + " i.event_id RETURNING e.position, e.stream, e.revision, e.event_id, i.reason),"
          + " untagged AS (DELETE FROM factum_event_tags t USING removed r WHERE t.position ="
          + " r.position)"
          + " INSERT INTO factum_removed (position, stream, revision, event_id, reason)"
          + " SELECT position, stream, revision, event_id, reason FROM removed";

  private PgRemovals() {}

  /** Removes the events of {@code removals} in this transaction; returns how many were there. */
  static int remove(Connection connection, List<Removal> removals) throws SQLException {
    if (removals.isEmpty()) {
      return 0;
    }
    int n = removals.size();
    Long[] positions = new Long[n];
    String[] streams = new String[n];
    Long[] revisions = new Long[n];
    UUID[] ids = new UUID[n];
    Short[] reasons = new Short[n];
    for (int i = 0; i < n; i++) {
      RemovedEvent stub = removals.get(i).stub();
      positions[i] = stub.position();
      streams[i] = stub.stream();
      revisions[i] = stub.revision();
      ids[i] = stub.id();
      reasons[i] = (short) stub.reason().code();
    }
    try (PreparedStatement remove = connection.prepareStatement(REMOVE)) {
      remove.setArray(1, connection.createArrayOf("bigint", positions));
      remove.setArray(2, connection.createArrayOf("text", streams));
      remove.setArray(3, connection.createArrayOf("bigint", revisions));
      remove.setArray(4, connection.createArrayOf("uuid", ids));
      remove.setArray(5, connection.createArrayOf("smallint", reasons));
      return remove.executeUpdate();
    }
  }

  /** What stays at {@code position} if scavenging removed its event, else null. */
  static RemovedEvent removedAt(Connection connection, long position) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT stream, revision, event_id, reason FROM factum_removed WHERE position = ?")) {
      select.setLong(1, position);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        RemovedEvent.Reason reason = RemovedEvent.Reason.ofCode(rs.getShort(4));
        if (reason == null) {
          throw new DataCorruptedException(
              "the removal marker at position " + position + " has an unknown reason");
        }
        return new RemovedEvent(
            position, rs.getString(1), rs.getLong(2), rs.getObject(3, UUID.class), reason);
      }
    }
  }
}
