package dev.factum.storage.rocksdb;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.TenantStorage;
import java.nio.file.Path;

/** Opens an embedded Factum store on RocksDB: the one-line entry point for Java programs. */
public final class RocksDbEventStore {
  private RocksDbEventStore() {}

  /** Opens (creating if needed) the store in {@code directory}. Close it when done. */
  public static FactumStore open(Path directory) {
    return FactumStore.open(RocksDbStorage.open(directory));
  }

  /** As {@link #open(Path)}, with {@code options} (a master key, a group lease). */
  public static FactumStore open(Path directory, StoreOptions options) {
    return FactumStore.open(RocksDbStorage.open(directory), options);
  }

  public static FactumStore open(Path directory, StoreOptions options, RocksDbConfig config) {
    return FactumStore.open(RocksDbStorage.open(directory, config), options);
  }

  /**
   * The tenants of the store in {@code directory}: one data directory each under {@code
   * directory/tenants/}, with {@link #TENANT_CONFIG} (smaller caches than a root store's, since a
   * server may hold many).
   */
  public static TenantStorage tenants(Path directory) {
    return tenants(directory, StoreOptions.DEFAULT);
  }

  /** As {@link #tenants(Path)}, each tenant's store opened with {@code options}. */
  public static TenantStorage tenants(Path directory, StoreOptions options) {
    return new RocksDbTenantStorage(directory, options, TENANT_CONFIG);
  }

  /** What each tenant's RocksDB gets: a 32 MiB block cache and 16 MiB memtables. */
  public static final RocksDbConfig TENANT_CONFIG = new RocksDbConfig(32L << 20, 16L << 20);
}
