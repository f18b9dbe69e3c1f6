package dev.factum.storage.rocksdb;

import dev.factum.api.StorageFailureException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.TenantStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Tenants on RocksDB: each tenant's store is a data directory of its own, {@code
 * DATA/tenants/<location>}, next to (never inside the files of) the root store's.
 *
 * <p>Separate directories mean separate RocksDB instances: a tenant's writer, fsyncs, caches and
 * compactions are its own, and deleting a tenant is deleting its directory (after its store
 * closed), which cannot touch another's data.
 */
final class RocksDbTenantStorage implements TenantStorage {
  static final String DIRECTORY = "tenants";

  private final Path root;
  private final StoreOptions options;
  private final RocksDbConfig config;

  RocksDbTenantStorage(Path dataDirectory, StoreOptions options, RocksDbConfig config) {
    this.root = dataDirectory.resolve(DIRECTORY);
    this.options = options;
    this.config = config;
  }

  private Path directory(String location) {
    return root.resolve(TenantStorage.checkLocation(location));
  }

  @Override
  public FactumStore create(String location) {
    Path directory = directory(location);
    if (Files.exists(directory)) {
      throw new StorageFailureException("the tenant directory " + directory + " exists already");
    }
    return RocksDbEventStore.open(directory, options, config);
  }

  @Override
  public FactumStore open(String location) {
    Path directory = directory(location);
    if (!Files.isDirectory(directory)) {
      throw new StorageFailureException("the tenant directory " + directory + " is missing");
    }
    return RocksDbEventStore.open(directory, options, config);
  }

  @Override
  public void delete(String location) {
    Path directory = directory(location);
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      List<Path> deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path path : deepestFirst) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new StorageFailureException("cannot delete the tenant directory " + directory, e);
    }
  }
}
