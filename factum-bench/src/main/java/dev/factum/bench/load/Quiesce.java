package dev.factum.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Waits for a freshly loaded store to settle before its reads are measured: after a bulk load,
 * RocksDB flushes and compacts in the background for a while, and on a machine with few cores that
 * work would be measured as read latency.
 *
 * <p>The store does not expose RocksDB's compaction state, so this watches the data directory
 * instead: it is settled once the names and sizes of its files have not changed for {@code quiet}.
 * The wait is bounded by {@code max}; the report says how long it took and whether it settled.
 */
public final class Quiesce {
  /**
   * How long the wait took, whether the directory went quiet before the bound, and the size of its
   * files then.
   */
  public record Outcome(long waitedNanos, boolean settled, long bytesOnDisk) {}

  private Quiesce() {}

  public static Outcome await(Path directory, Duration quiet, Duration max)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    long deadline = started + max.toNanos();
    long fingerprint = fingerprint(directory);
    long unchangedSince = System.nanoTime();
    while (System.nanoTime() - unchangedSince < quiet.toNanos()) {
      if (System.nanoTime() >= deadline) {
        return new Outcome(System.nanoTime() - started, false, bytes(directory));
      }
      Thread.sleep(200);
      long now = fingerprint(directory);
      if (now != fingerprint) {
        fingerprint = now;
        unchangedSince = System.nanoTime();
      }
    }
    return new Outcome(System.nanoTime() - started, true, bytes(directory));
  }

  private static long bytes(Path directory) throws IOException {
    long total = 0;
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        try {
          total += Files.size(file);
        } catch (NoSuchFileException deleted) {
          // removed since the listing
        }
      }
    }
    return total;
  }

  /** A hash of every file's name and size (a RocksDB file only grows until it is closed). */
  private static long fingerprint(Path directory) throws IOException {
    long hash = 17;
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.sorted().toList()) {
        long size;
        try {
          size = Files.size(file);
        } catch (NoSuchFileException deleted) {
          size = -1; // removed while listing: the directory is still changing
        }
        hash = hash * 31 + file.getFileName().toString().hashCode();
        hash = hash * 31 + size;
      }
    }
    return hash;
  }
}
