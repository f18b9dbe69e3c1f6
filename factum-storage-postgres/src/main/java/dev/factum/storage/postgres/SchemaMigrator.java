package dev.factum.storage.postgres;

import dev.factum.api.StorageFailureException;
import dev.factum.api.UnsupportedFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings a database's Factum schema to the version this build knows, at start-up.
 *
 * <p>Design note: migrations are SQL files {@code migrations/V<n>__<name>.sql} next to this class,
 * applied in version order and recorded in {@code factum_schema_history} with a SHA-256 of their
 * text. What must stay true:
 *
 * <ul>
 *   <li>Several servers starting at once apply each migration exactly once: the whole run happens
 *       in one transaction that first takes a transaction-scoped advisory lock, so the others wait
 *       and then find the work done. PostgreSQL's DDL is transactional, so a failed migration
 *       leaves nothing half-applied.
 *   <li>A recorded migration whose text differs from this build's is refused (someone edited a
 *       released migration), and so is a database at a newer version than this build knows (an
 *       older server must not write a format it does not understand).
 * </ul>
 */
final class SchemaMigrator {
  /** Advisory-lock key of schema migrations ("factum" in ASCII). */
  private static final long LOCK_KEY = 0x66616374756dL;

  /** Every migration this build knows, by version. */
  static final Map<Integer, String> MIGRATIONS =
      new TreeMap<>(
          Map.of(
              1,
              "V1__event_log.sql",
              2,
              "V2__deletion_events.sql",
              3,
              "V3__store_records.sql",
              4,
              "V4__stream_listing.sql",
              5,
              "V5__hash_chain.sql",
              6,
              "V6__removed_events.sql"));

  private SchemaMigrator() {}

  /** The schema version this build writes. */
  static int latestVersion() {
    return ((TreeMap<Integer, String>) MIGRATIONS).lastKey();
  }

  /** Applies whatever is missing; returns how many migrations it applied. */
  static int migrate(Connection connection) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS factum_schema_history ("
              + " version int PRIMARY KEY, script text NOT NULL, sha256 text NOT NULL,"
              + " applied_at timestamptz NOT NULL DEFAULT now())");
      Map<Integer, String> applied = appliedChecksums(statement);
      checkKnown(applied);
      int count = 0;
      for (Map.Entry<Integer, String> migration : MIGRATIONS.entrySet()) {
        String sql = load(migration.getValue());
        String checksum = sha256(sql);
        String recorded = applied.get(migration.getKey());
        if (recorded != null) {
          if (!recorded.equals(checksum)) {
            throw new UnsupportedFormatException(
                "schema migration "
                    + migration.getValue()
                    + " was applied with different contents than this build's (checksum "
                    + recorded
                    + " vs "
                    + checksum
                    + "); refusing to run on a schema this build does not know");
          }
          continue;
        }
        statement.execute(sql);
        try (PreparedStatement record =
            connection.prepareStatement(
                "INSERT INTO factum_schema_history (version, script, sha256) VALUES (?, ?, ?)")) {
          record.setInt(1, migration.getKey());
          record.setString(2, migration.getValue());
          record.setString(3, checksum);
          record.executeUpdate();
        }
        count++;
      }
      connection.commit();
      return count;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static Map<Integer, String> appliedChecksums(Statement statement) throws SQLException {
    Map<Integer, String> applied = new TreeMap<>();
    try (ResultSet rs =
        statement.executeQuery("SELECT version, sha256 FROM factum_schema_history")) {
      while (rs.next()) {
        applied.put(rs.getInt(1), rs.getString(2));
      }
    }
    return applied;
  }

  private static void checkKnown(Map<Integer, String> applied) {
    List<Integer> unknown =
        applied.keySet().stream().filter(v -> !MIGRATIONS.containsKey(v)).toList();
    if (!unknown.isEmpty()) {
      throw new UnsupportedFormatException(
          "the database has Factum schema version "
              + unknown.getLast()
              + ", newer than this build knows ("
              + latestVersion()
              + "); upgrade this server");
    }
  }

  private static String load(String script) {
    try (InputStream in = SchemaMigrator.class.getResourceAsStream("migrations/" + script)) {
      if (in == null) {
        throw new StorageFailureException("migration " + script + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
