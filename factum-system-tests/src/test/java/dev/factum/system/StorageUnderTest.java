package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.spi.VerifyReport;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresStorage;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage a whole-process test runs the server on, so that one harness covers every storage.
 *
 * <p>Design note: a storage knows three things the harness cannot: the {@code factum serve}
 * arguments that point a server at it, how to check it offline once no server is running, and (for
 * a storage that is a server of its own, like PostgreSQL) how to kill that server with SIGKILL and
 * bring it back. Each instance is one store: a test that wants a fresh store asks its {@link Kind}
 * for another.
 *
 * <p>PostgreSQL: each store is a fresh database, passed as {@code --storage postgres --pg-url
 * --pg-user --pg-password}; several servers may be started on one store (one database, many
 * stateless Factum servers). The database is on the test JVM's {@link LocalPostgres#shared()}
 * server (started once, so a store costs a {@code CREATE DATABASE}, not a server start), except for
 * a store made by {@link Kind#createWithOwnDatabaseServer}: that one is on a private server of its
 * own, the only kind {@link #killDatabaseServer} may kill, so that a kill -9 of PostgreSQL hurts no
 * other test's store.
 */
interface StorageUnderTest extends AutoCloseable {

  /** The storages the harnesses run on. */
  enum Kind {
    ROCKSDB,
    POSTGRES;

    /**
     * A fresh, empty store of this kind; {@code temp} is a directory it may use. Its database
     * server, if any, is shared with other tests and is never killed.
     */
    StorageUnderTest create(Path temp, String name) throws Exception {
      return switch (this) {
        case ROCKSDB -> new RocksDb(Files.createDirectories(temp.resolve(name)));
        case POSTGRES -> {
          LocalPostgres shared = LocalPostgres.shared();
          yield new Postgres(shared, shared.createDatabase(name.replace('-', '_')), false);
        }
      };
    }

    /**
     * A fresh, empty store whose database server (if the kind has one) is its own, so that {@link
     * #killDatabaseServer} may kill it.
     */
    StorageUnderTest createWithOwnDatabaseServer(Path temp, String name) throws Exception {
      return switch (this) {
        case ROCKSDB -> create(temp, name);
        case POSTGRES -> {
          LocalPostgres server = LocalPostgres.startPrivate();
          yield new Postgres(server, server.createDatabase(name.replace('-', '_')), true);
        }
      };
    }
  }

  String describe();

  /** The arguments of {@code factum serve} that select this store. */
  List<String> serveArguments();

  /** Checks the store offline (no server running); fails the test on any finding. */
  void verifyOffline();

  /** Whether the storage is a separate server that {@link #killDatabaseServer} can kill. */
  default boolean hasDatabaseServer() {
    return false;
  }

  /** SIGKILLs the database server and starts it again on the same data. */
  default void killDatabaseServer() throws Exception {
    throw new UnsupportedOperationException(describe() + " has no database server");
  }

  @Override
  default void close() throws IOException {}

  /**
   * A database on a PostgreSQL server: a private one that this store owns, kills on demand and
   * closes ({@code ownsServer}), or the shared one, which it leaves alone.
   */
  record Postgres(LocalPostgres server, String jdbcUrl, boolean ownsServer)
      implements StorageUnderTest {
    @Override
    public String describe() {
      return "PostgreSQL database " + jdbcUrl;
    }

    @Override
    public List<String> serveArguments() {
      List<String> arguments =
          new ArrayList<>(
              List.of("--storage", "postgres", "--pg-url", jdbcUrl, "--pg-user", server.user()));
      if (!server.password().isEmpty()) {
        arguments.addAll(List.of("--pg-password", server.password()));
      }
      return arguments;
    }

    @Override
    public void verifyOffline() {
      try (PostgresStorage storage =
          PostgresStorage.open(PostgresConfig.of(jdbcUrl, server.user(), server.password()))) {
        VerifyReport report = storage.verify();
        assertThat(report.ok()).as(report.toString()).isTrue();
      }
    }

    @Override
    public boolean hasDatabaseServer() {
      return ownsServer;
    }

    @Override
    public void killDatabaseServer() {
      if (!ownsServer) {
        throw new UnsupportedOperationException(
            describe() + " is on the shared server, which no test may kill");
      }
      server.kill();
      server.restart();
    }

    @Override
    public void close() {
      if (ownsServer) {
        server.close();
      }
    }
  }

  /** A RocksDB directory, verified offline with {@link RocksDbStorage#verify()}. */
  record RocksDb(Path directory) implements StorageUnderTest {
    @Override
    public String describe() {
      return "RocksDB at " + directory;
    }

    @Override
    public List<String> serveArguments() {
      return List.of("--data", directory.toString());
    }

    @Override
    public void verifyOffline() {
      try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
        VerifyReport report = storage.verify();
        assertThat(report.ok()).as(report.toString()).isTrue();
      }
    }
  }
}
