package dev.factum.bench.compare.targets;

import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.MachineFacts;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Factum's RocksDB storage for the comparison: a fresh store directory per session inside the run
 * directory, deleted when the session is done.
 */
public record RocksDbStores(Path directory) implements FactumTarget.Storage {

  @Override
  public String describe() {
    return "RocksDB " + MachineFacts.rocksDbVersion() + ", WAL fsync'd per group commit";
  }

  @Override
  public FactumStore open(String label) {
    return RocksDbEventStore.open(directory.resolve(label));
  }

  @Override
  public void drop(String label) throws IOException {
    DataDirectory.deleteTree(directory.resolve(label));
  }

  @Override
  public void close() {}
}
