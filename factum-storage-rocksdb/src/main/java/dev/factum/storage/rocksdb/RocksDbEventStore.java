package dev.factum.storage.rocksdb;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import java.nio.file.Path;

/** Opens an embedded Factum store on RocksDB: the one-line entry point for Java programs. */
public final class RocksDbEventStore {
  private RocksDbEventStore() {}

  /** Opens (creating if needed) the store in {@code directory}. Close it when done. */
  public static FactumStore open(Path directory) {
    return FactumStore.open(RocksDbStorage.open(directory));
  }

  public static FactumStore open(Path directory, StoreOptions options, RocksDbConfig config) {
    return FactumStore.open(RocksDbStorage.open(directory, config), options);
  }
}
