package dev.factum.storage.rocksdb;

import dev.factum.engine.spi.StorageGauge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the RocksDB storage reports for metrics: the disk its directory takes, and RocksDB's own
 * properties for memtables, flushes, compactions and the block cache, summed over the column
 * families. Every value is read when scraped; none is cached.
 */
final class RocksDbGauges {
  private RocksDbGauges() {}

  static List<StorageGauge> of(RocksDbStorage storage) {
    return List.of(
        new StorageGauge(
            "disk.used",
            "Bytes the data directory takes on disk (tables, write-ahead log, metadata).",
            "bytes",
            () -> directoryBytes(storage.directory())),
        new StorageGauge(
            "chain.head.position",
            "The newest position the tamper-evident hash chain covers (-1 before the first event).",
            null,
            () -> storage.chainHead().position()),
        property(
            storage,
            "rocksdb.memtable",
            "Bytes of RocksDB memtables, active and immutable (rocksdb.cur-size-all-mem-tables).",
            "bytes",
            "rocksdb.cur-size-all-mem-tables"),
        property(
            storage,
            "rocksdb.memtable.immutable",
            "Immutable memtables waiting to be flushed (rocksdb.num-immutable-mem-table).",
            null,
            "rocksdb.num-immutable-mem-table"),
        property(
            storage,
            "rocksdb.sst",
            "Bytes of RocksDB table files (rocksdb.total-sst-files-size).",
            "bytes",
            "rocksdb.total-sst-files-size"),
        property(
            storage,
            "rocksdb.compaction.pending",
            "Bytes RocksDB estimates compaction must rewrite (rocksdb.estimate-pending-compaction-bytes).",
            "bytes",
            "rocksdb.estimate-pending-compaction-bytes"),
        property(
            storage,
            "rocksdb.compactions.running",
            "Compactions running now (rocksdb.num-running-compactions).",
            null,
            "rocksdb.num-running-compactions"),
        property(
            storage,
            "rocksdb.flushes.running",
            "Memtable flushes running now (rocksdb.num-running-flushes).",
            null,
            "rocksdb.num-running-flushes"),
        property(
            storage,
            "rocksdb.block.cache",
            "Bytes held in the shared block cache (rocksdb.block-cache-usage).",
            "bytes",
            "rocksdb.block-cache-usage",
            false));
  }

  private static StorageGauge property(
      RocksDbStorage storage, String name, String description, String unit, String property) {
    return property(storage, name, description, unit, property, true);
  }

  private static StorageGauge property(
      RocksDbStorage storage,
      String name,
      String description,
      String unit,
      String property,
      boolean summed) {
    return new StorageGauge(name, description, unit, () -> storage.longProperty(property, summed));
  }

  /** The sum of the directory's file sizes; a file a compaction removes meanwhile counts 0. */
  static double directoryBytes(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      long total = 0;
      for (Path file : files.toList()) {
        try {
          total += Files.size(file);
        } catch (NoSuchFileException gone) {
          // deleted between the listing and the size: no longer on disk
        }
      }
      return total;
    } catch (IOException | UncheckedIOException e) {
      return Double.NaN;
    }
  }
}
