package dev.factum.bench.compare.peers;

import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.Progress;
import dev.factum.postgres.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one PostgreSQL server of a comparison run, shared by Factum on PostgreSQL and Message DB so
 * that both are measured on the same server with the same settings. It is started on first use
 * ({@link LocalPostgres}: the server {@code FACTUM_TEST_PG_URL} names, else a private PostgreSQL 17
 * from Maven Central, always with {@code fsync} and {@code synchronous_commit} on) and stopped by
 * {@link #close()} at the end of the run.
 */
public final class SharedPostgres implements AutoCloseable {
  private final Progress progress;
  private LocalPostgres server;
  private String version;

  public SharedPostgres(Progress progress) {
    this.progress = progress;
  }

  public synchronized LocalPostgres server() {
    if (server == null) {
      long started = System.nanoTime();
      server = LocalPostgres.start();
      version = query("SHOW server_version");
      progress.say(
          "PostgreSQL %s up (%s) in %s",
          version,
          server.isPrivate() ? "private server" : LocalPostgres.URL_VARIABLE,
          Fmt.seconds(System.nanoTime() - started));
    }
    return server;
  }

  /** The server's version and durability settings, for the report. */
  public synchronized String describe() {
    server();
    return "PostgreSQL "
        + version
        + " ("
        + (server.isPrivate() ? "private server on 127.0.0.1" : LocalPostgres.URL_VARIABLE)
        + ", fsync="
        + query("SHOW fsync")
        + ", synchronous_commit="
        + query("SHOW synchronous_commit")
        + ")";
  }

  private String query(String sql) {
    try (Connection connection = server.connect(server.jdbcUrl("postgres"));
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    } catch (SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
