package dev.factum.storage.rocksdb;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.tck.StoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A RocksDB store in a fresh temporary directory, deleted afterwards. */
final class RocksDbFixture implements StoreFixture {
  private static final RocksDbConfig SMALL = new RocksDbConfig(16L << 20, 8L << 20);
  private final Path directory;

  RocksDbFixture() throws IOException {
    this.directory = Files.createTempDirectory("factum-tck-");
  }

  Path directory() {
    return directory;
  }

  @Override
  public FactumStore open(StoreOptions options) {
    return RocksDbEventStore.open(directory, options, SMALL);
  }

  @Override
  public void close() throws IOException {
    deleteTree(directory);
  }

  static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
