package dev.factum.postgres.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests and benchmarks, provisioned by the project itself.
 *
 * <p>Design note: tests of the PostgreSQL storage must run on a fresh machine and in CI with
 * nothing installed beforehand, and must never pass against a server that would lose acknowledged
 * commits. So:
 *
 * <ul>
 *   <li>When {@code FACTUM_TEST_PG_URL} is set (a JDBC URL of a database the user may create
 *       databases from, with {@code FACTUM_TEST_PG_USER} / {@code FACTUM_TEST_PG_PASSWORD}), that
 *       server is used and left running.
 *   <li>Otherwise a private server is started from zonky's bundled PostgreSQL 17 binaries (a Maven
 *       Central artifact, so no system package is needed; it also works as root) in a temporary
 *       directory on a free loopback port, and stopped and deleted by {@link #close()}.
 *   <li>Either way, {@code fsync} and {@code synchronous_commit} must be {@code on}: zonky turns
 *       synchronous commit off by default, which is turned back on here, and a server that reports
 *       either setting off is refused at start.
 * </ul>
 *
 * <p>{@link #startPrivateWithAsynchronousCommitDefault()} starts the one exception: a private
 * server whose default is {@code synchronous_commit=off}, for the test that Factum forces
 * synchronous commits on its own sessions whatever the server says.
 *
 * <p>Every test gets its own database ({@link #createDatabase}), so tests never see each other's
 * data. {@link #kill()} and {@link #restart()} (private server only) simulate a database crash:
 * every process of the server is killed with SIGKILL and the server restarts on the same data
 * directory, running PostgreSQL's own crash recovery.
 */
public final class LocalPostgres implements AutoCloseable {
  /** Environment variable naming an existing server to use instead of a private one. */
  public static final String URL_VARIABLE = "FACTUM_TEST_PG_URL";

  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final int START_ATTEMPTS = 3;

  private final String adminUrl;
  private final String user;
  private final String password;
  private final Path dataDirectory; // null for an external server
  private final int port;
  private final boolean synchronousCommitDefault;
  private EmbeddedPostgres server; // null for an external server, or while killed

  private LocalPostgres(
      String adminUrl,
      String user,
      String password,
      Path dataDirectory,
      int port,
      boolean synchronousCommitDefault,
      EmbeddedPostgres server) {
    this.adminUrl = adminUrl;
    this.synchronousCommitDefault = synchronousCommitDefault;
    this.user = user;
    this.password = password;
    this.dataDirectory = dataDirectory;
    this.port = port;
    this.server = server;
  }

  private static LocalPostgres shared;

  /**
   * One server for the whole JVM, started on first use and stopped when the JVM exits: what test
   * classes use so that a test run starts PostgreSQL once.
   */
  public static synchronized LocalPostgres shared() {
    if (shared == null) {
      LocalPostgres started = start();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(started::close, "factum-test-postgres-shutdown"));
      shared = started;
    }
    return shared;
  }

  /** The server {@code FACTUM_TEST_PG_URL} names, else a new private one. */
  public static LocalPostgres start() {
    String url = System.getenv(URL_VARIABLE);
    if (url != null && !url.isBlank()) {
      String user = System.getenv().getOrDefault("FACTUM_TEST_PG_USER", "postgres");
      String password = System.getenv().getOrDefault("FACTUM_TEST_PG_PASSWORD", "");
      LocalPostgres external = new LocalPostgres(url, user, password, null, -1, true, null);
      external.checkDurable();
      return external;
    }
    return startPrivate();
  }

  /** Always a new private server, whatever the environment says. */
  public static LocalPostgres startPrivate() {
    return startPrivate(true);
  }

  /**
   * A new private server whose default for every session is {@code synchronous_commit=off} (fsync
   * stays on), and whose WAL writer flushes at most every 10 s: a commit made without synchronous
   * commit stays unflushed for seconds, so a test can see whether a commit waited for its flush.
   * Never use it for data a test must keep.
   */
  public static LocalPostgres startPrivateWithAsynchronousCommitDefault() {
    return startPrivate(false);
  }

  private static LocalPostgres startPrivate(boolean synchronousCommit) {
    Path data;
    try {
      data = Files.createTempDirectory("factum-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a private PostgreSQL", e);
    }
    // The free port is released before PostgreSQL binds it, so another process may take it in
    // between: then the start fails and is tried again on another port (the data stays).
    IllegalStateException failed =
        new IllegalStateException(
            "could not start a private PostgreSQL in " + START_ATTEMPTS + " attempts");
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      int port;
      EmbeddedPostgres server;
      try {
        port = freePort();
        server = launch(data, port, synchronousCommit);
      } catch (IOException | RuntimeException e) {
        failed.addSuppressed(e);
        continue;
      }
      LocalPostgres local =
          new LocalPostgres(
              "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
              "postgres",
              "",
              data,
              port,
              synchronousCommit,
              server);
      local.checkDurable();
      return local;
    }
    deleteTree(data);
    throw failed;
  }

  private static EmbeddedPostgres launch(Path data, int port, boolean synchronousCommit)
      throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    if (!synchronousCommit) {
      builder
          .setServerConfig("wal_writer_delay", "10000ms")
          .setServerConfig("wal_writer_flush_after", "1GB")
          .setServerConfig("autovacuum", "off");
    }
    return builder
        .setDataDirectory(data)
        .setCleanDataDirectory(false) // kept across kill/restart; deleted by close()
        .setPort(port)
        .setPGStartupWait(STARTUP_WAIT)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", synchronousCommit ? "on" : "off")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "200")
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Whether this is a private server started here (which {@link #kill()} may kill). */
  public boolean isPrivate() {
    return dataDirectory != null;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** The JDBC URL of {@code database} on this server. */
  public String jdbcUrl(String database) {
    int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
    int query = adminUrl.indexOf('?', slash);
    String suffix = query < 0 ? "" : adminUrl.substring(query);
    return adminUrl.substring(0, slash + 1) + database + suffix;
  }

  /** Creates a new, empty database named {@code prefix} plus a random suffix; returns its URL. */
  public String createDatabase(String prefix) {
    String name =
        (prefix.replaceAll("[^a-z0-9_]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8))
            .toLowerCase(Locale.ROOT);
    execute("CREATE DATABASE " + name);
    return jdbcUrl(name);
  }

  /** Opens a connection to {@code jdbcUrl} as this server's user. */
  public Connection connect(String jdbcUrl) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  private void execute(String sql) {
    try (Connection connection = connect(adminUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql + ": " + e.getMessage(), e);
    }
  }

  private void checkDurable() {
    try (Connection connection = connect(adminUrl);
        Statement statement = connection.createStatement()) {
      for (String setting : List.of("fsync", "synchronous_commit")) {
        String expected = setting.equals("fsync") || synchronousCommitDefault ? "on" : "off";
        try (ResultSet rs = statement.executeQuery("SHOW " + setting)) {
          rs.next();
          if (!expected.equals(rs.getString(1))) {
            throw new IllegalStateException(
                "the test PostgreSQL at "
                    + adminUrl
                    + " has "
                    + setting
                    + "="
                    + rs.getString(1)
                    + "; this server needs it "
                    + expected);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to the test PostgreSQL at " + adminUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * Kills every process of the private server with SIGKILL, as a machine crash would, and waits
   * until they are gone. {@link #restart()} brings it back.
   */
  public synchronized void kill() {
    requirePrivate();
    if (server == null) {
      return; // already dead
    }
    long postmaster = postmasterPid();
    ProcessHandle.of(postmaster)
        .ifPresent(
            handle -> {
              List<ProcessHandle> all =
                  Stream.concat(Stream.of(handle), handle.descendants()).toList();
              all.forEach(ProcessHandle::destroyForcibly);
              for (ProcessHandle process : all) {
                process.onExit().join();
              }
            });
    // Let the dead instance release its directory lock; its pg_ctl stop fails (nothing runs) and
    // that failure is only logged.
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing left to stop
    }
    server = null;
  }

  /** Starts the private server again on its data directory (PostgreSQL runs crash recovery). */
  public synchronized void restart() {
    requirePrivate();
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try {
      server = launch(dataDirectory, port, synchronousCommitDefault);
    } catch (IOException e) {
      throw new UncheckedIOException("could not restart the private PostgreSQL", e);
    }
  }

  private long postmasterPid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0));
    } catch (IOException e) {
      throw new UncheckedIOException("the private PostgreSQL has no postmaster.pid", e);
    }
  }

  private void requirePrivate() {
    if (!isPrivate()) {
      throw new IllegalStateException(
          "only a private server can be killed or restarted; " + URL_VARIABLE + " names another");
    }
  }

  /** Stops and deletes a private server; leaves an external one alone. */
  @Override
  public synchronized void close() {
    if (!isPrivate()) {
      return;
    }
    try {
      if (server != null) {
        server.close();
        server = null;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      awaitPostmasterGone(dataDirectory);
      deleteTree(dataDirectory);
    }
  }

  /**
   * Waits for the postmaster named in {@code postmaster.pid} (if any is still running) to exit:
   * until then a background process may still write files (the statistics in {@code pg_stat}), and
   * deleting the tree under it fails with "directory not empty" (seen once in CompareSmokeTest).
   * Bounded: a postmaster still there after 30 s is left to the delete's own error.
   */
  private static void awaitPostmasterGone(Path data) {
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
    } catch (IOException | RuntimeException gone) {
      return; // no pid file (a clean stop removes it) or none readable: nothing to wait for
    }
    ProcessHandle.of(pid)
        // a killed server's stale pid file may name a pid reused since by something else
        .filter(process -> process.info().command().orElse("").contains("postgres"))
        .ifPresent(
            postmaster -> {
              try {
                postmaster.onExit().get(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (ExecutionException | TimeoutException e) {
                // left to deleteTree, which names the directory it could not delete
              }
            });
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }

  @Override
  public String toString() {
    return isPrivate() ? "private PostgreSQL on 127.0.0.1:" + port : "PostgreSQL at " + adminUrl;
  }
}
