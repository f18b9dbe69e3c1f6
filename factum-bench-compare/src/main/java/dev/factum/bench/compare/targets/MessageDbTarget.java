package dev.factum.bench.compare.targets;

import dev.factum.bench.compare.CompareSystem;
import dev.factum.bench.compare.peers.SharedPostgres;
import dev.factum.bench.load.BenchTarget;
import dev.factum.bench.load.EntityFill;
import dev.factum.bench.load.Progress;
import dev.factum.postgres.testing.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Message DB (the {@code @eventide/message-db} npm package: an event store as SQL functions in
 * PostgreSQL) as a system of the comparison, on the run's {@link SharedPostgres}, used as its
 * documentation says: installed with its own {@code database/install.sh} (psql), a fresh copy of
 * that database per session, called connected as the role {@code message_store} (its functions rely
 * on that role's search path), one connection per load thread.
 *
 * <p>An append is {@code write_message(id, stream_name, type, data, metadata, expected_version)},
 * one call per event, the calls of a multi-event append in one transaction; loading an entity is
 * {@code get_stream_messages(stream)}; the catch-up reads {@code get_category_messages} pages of
 * 1,000 (all entities of a store share a category, as one entity type does in an application).
 * {@code write_message} takes an advisory lock on the stream's category until the transaction
 * commits, so writers of one category queue behind each other: that is Message DB's design and is
 * measured as such.
 *
 * <p>What must stay true: the package comes from npm ({@code npm pack}) into a cache directory and
 * nothing else is downloaded; durability is PostgreSQL's ({@code synchronous_commit=on}, checked by
 * {@link LocalPostgres}); a conflict is recognised only by Message DB's own "Wrong expected
 * version" error, anything else fails the run.
 */
public final class MessageDbTarget implements BenchTarget {
  public static final String VERSION = "1.3.1";
  private static final String PACKAGE = "@eventide/message-db@" + VERSION;
  private static final Pattern STREAM_VERSION = Pattern.compile("Stream Version: (-?\\d+)");
  private static final String WRITE =
      "SELECT message_store.write_message(?, ?, 'OrderPlaced', ?::jsonb, NULL, ?)";

  private final SharedPostgres postgres;
  private final Path database;
  private String template;

  private MessageDbTarget(SharedPostgres postgres, Path database) {
    this.postgres = postgres;
    this.database = database;
  }

  public static MessageDbTarget start(SharedPostgres postgres, Progress progress) throws Exception {
    Path database = installed(progress).resolve("package").resolve("database");
    return new MessageDbTarget(postgres, database);
  }

  /** Where fetched packages are kept between runs: {@code ~/.cache/factum-bench}. */
  static Path cacheDirectory() {
    String configured = System.getProperty("factum.bench.cache");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cache", "factum-bench");
  }

  /** The unpacked npm package, fetched with {@code npm pack} on first use. */
  private static Path installed(Progress progress) throws IOException, InterruptedException {
    Path directory = cacheDirectory().resolve("message-db-" + VERSION);
    if (Files.isRegularFile(directory.resolve("package/database/install.sh"))) {
      return directory;
    }
    Files.createDirectories(directory);
    progress.say("fetching %s with npm pack into %s", PACKAGE, directory);
    run(directory, Map.of(), "npm", "pack", PACKAGE, "--pack-destination", directory.toString());
    Path tarball = directory.resolve("eventide-message-db-" + VERSION + ".tgz");
    run(directory, Map.of(), "tar", "-xzf", tarball.toString(), "-C", directory.toString());
    return directory;
  }

  @Override
  public String name() {
    return CompareSystem.MESSAGE_DB.title();
  }

  @Override
  public String setup() {
    return "Message DB "
        + VERSION
        + " (npm) on "
        + postgres.describe()
        + ", installed with its install.sh; write_message / get_stream_messages /"
        + " get_category_messages over JDBC as role message_store, one connection per thread;"
        + " one category per entity type, one transaction per multi-event append";
  }

  @Override
  public boolean supports(Capability capability) {
    return true;
  }

  @Override
  public Session open(String label) throws Exception {
    LocalPostgres server = postgres.server();
    String name =
        ("mdb_" + label + "_" + UUID.randomUUID().toString().substring(0, 8))
            .replaceAll("[^a-z0-9_]", "_");
    try (Connection admin = server.connect(server.jdbcUrl("postgres"));
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + name + " TEMPLATE " + template(server));
    }
    return new MessageDbSession(server.jdbcUrl(name));
  }

  /**
   * A database with Message DB installed by its install.sh, made once per run; each session's
   * database is a copy ({@code CREATE DATABASE … TEMPLATE}), which takes a fraction of the seconds
   * the script takes.
   */
  private synchronized String template(LocalPostgres server) throws Exception {
    if (template == null) {
      String url = server.createDatabase("mdb_template");
      URI uri = URI.create(url.substring("jdbc:".length()));
      String name = uri.getPath().substring(1);
      run(
          database,
          Map.of(
              "PGHOST", uri.getHost(),
              "PGPORT", String.valueOf(uri.getPort()),
              "PGUSER", server.user(),
              "PGPASSWORD", server.password(),
              "DATABASE_NAME", name,
              "CREATE_DATABASE", "off"),
          "bash",
          database.resolve("install.sh").toString());
      template = name;
    }
    return template;
  }

  @Override
  public void close() {}

  /** Runs a command in {@code directory}; fails with its output if it does not succeed. */
  private static void run(Path directory, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().putAll(environment);
    Path log = Files.createTempFile("factum-bench-command", ".log");
    try {
      Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " failed ("
                + process.exitValue()
                + "): "
                + Files.readString(log, StandardCharsets.UTF_8));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static final class MessageDbSession implements Session {
    private final String url;
    private final List<Connection> connections = new ArrayList<>();

    MessageDbSession(String url) {
      this.url = url;
    }

    /** A new connection as role message_store (no password: the local server trusts it). */
    private synchronized Connection connect() throws SQLException {
      Properties properties = new Properties();
      properties.setProperty("user", "message_store");
      Connection connection = DriverManager.getConnection(url, properties);
      connections.add(connection);
      return connection;
    }

    @Override
    public Writer writer() throws SQLException {
      Connection connection = connect();
      PreparedStatement write = connection.prepareStatement(WRITE);
      return new Writer() {
        @Override
        public void append(String entity, List<byte[]> bodies) throws SQLException {
          if (bodies.size() == 1) {
            write(write, entity, bodies.getFirst(), -2);
            return;
          }
          connection.setAutoCommit(false);
          try {
            for (byte[] body : bodies) {
              write(write, entity, body, -2);
            }
            connection.commit();
          } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
          } finally {
            connection.setAutoCommit(true);
          }
        }

        @Override
        public Outcome appendExpecting(String entity, long expected, byte[] body)
            throws SQLException {
          try {
            return new Outcome(true, write(write, entity, body, expected));
          } catch (SQLException e) {
            Matcher version = STREAM_VERSION.matcher(String.valueOf(e.getMessage()));
            if (e.getMessage() != null
                && e.getMessage().contains("Wrong expected version")
                && version.find()) {
              return new Outcome(false, Long.parseLong(version.group(1)));
            }
            throw e;
          }
        }
      };
    }

    /** One write_message; {@code expected} -2 for none. Returns the message's position. */
    private static long write(PreparedStatement write, String entity, byte[] body, long expected)
        throws SQLException {
      write.setString(1, UUID.randomUUID().toString());
      write.setString(2, entity);
      write.setString(3, new String(body, StandardCharsets.UTF_8));
      if (expected == -2) {
        write.setNull(4, Types.BIGINT);
      } else {
        write.setLong(4, expected);
      }
      try (ResultSet rows = write.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }

    @Override
    public Reader reader() throws SQLException {
      PreparedStatement read =
          connect()
              .prepareStatement(
                  "SELECT position, data FROM message_store.get_stream_messages(?, 0, 1000)");
      return entity -> {
        read.setString(1, entity);
        int events = 0;
        try (ResultSet rows = read.executeQuery()) {
          while (rows.next()) {
            if (rows.getLong(1) != events || rows.getString(2) == null) {
              throw new IllegalStateException(entity + ": message " + events + " out of order");
            }
            events++;
          }
        }
        return events;
      };
    }

    @Override
    public long catchUp() throws SQLException {
      try (PreparedStatement read =
          connect()
              .prepareStatement(
                  "SELECT global_position, data"
                      + " FROM message_store.get_category_messages(?, ?, 1000)")) {
        long events = 0;
        long next = 1;
        while (true) {
          read.setString(1, EntityFill.CATEGORY);
          read.setLong(2, next);
          int page = 0;
          try (ResultSet rows = read.executeQuery()) {
            while (rows.next()) {
              long position = rows.getLong(1);
              if (position < next) {
                throw new IllegalStateException("global position " + position + " repeated");
              }
              next = position + 1;
              page++;
            }
          }
          events += page;
          if (page == 0) {
            return events;
          }
        }
      }
    }

    @Override
    public synchronized void close() throws IOException {
      SQLException failure = null;
      for (Connection connection : connections) {
        try {
          connection.close();
        } catch (SQLException e) {
          failure = e;
        }
      }
      connections.clear();
      if (failure != null) {
        throw new IOException("closing a Message DB connection failed", failure);
      }
    }
  }
}
