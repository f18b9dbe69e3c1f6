package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The storage a whole-process test runs the server on, so that one harness covers every storage.
 *
 * <p>Design note: a storage knows three things the harness cannot: the {@code factum serve}
 * arguments that point a server at it, how to check it offline once no server is running, and (for
 * a storage that is a server of its own, like PostgreSQL) how to kill that server with SIGKILL and
 * bring it back. Each instance is one store: a test that wants a fresh store asks its {@link Kind}
 * for another. A storage that is not available on this machine says so from {@link
 * Kind#unavailableReason()}, and the tests of that kind are then not run; nothing pretends to pass.
 *
 * <p>PostgreSQL: the extension point is {@link Kind#POSTGRES}. Its implementation starts a {@code
 * LocalPostgres} (module {@code factum-postgres-testing}), creates a database per store, passes
 * {@code --storage postgres --pg-url --pg-user --pg-password} and implements {@link
 * #killDatabaseServer()} with {@code LocalPostgres.kill()} then {@code restart()}.
 */
interface StorageUnderTest extends AutoCloseable {

  /** The storages the harnesses run on. */
  enum Kind {
    ROCKSDB,
    POSTGRES;

    /** Null when stores of this kind can be made here, else why not. */
    String unavailableReason() {
      return switch (this) {
        case ROCKSDB -> null;
        case POSTGRES -> "the PostgreSQL storage is not in this build yet";
      };
    }

    /** A fresh, empty store of this kind; {@code temp} is a directory it may use. */
    StorageUnderTest create(Path temp, String name) throws Exception {
      return switch (this) {
        case ROCKSDB -> new RocksDb(Files.createDirectories(temp.resolve(name)));
        case POSTGRES -> throw new UnsupportedOperationException(unavailableReason());
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
  default void close() throws java.io.IOException {}

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
