package dev.factum.storage.rocksdb;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The recovery-scanner fuzz target: the fuzzer damages a copy of a known store (flipped bits and
 * cut tails in its SST, MANIFEST, CURRENT and write-ahead-log files; values overwritten, mutated or
 * cut in any column family; entries added under fuzz-chosen keys), then the store is opened,
 * verified and read through every read path. The oracle ({@link KnownStore#judge}) demands that the
 * damage is refused at open ({@code data-corrupted}) or named by {@code verify}, or is harmless
 * (the store is intact); a read may refuse with {@code data-corrupted} but never return anything
 * but the original events; and nothing else may be thrown.
 *
 * <p>Out of scope, and why: cutting the WAL short (a cut at a record boundary is what a crash
 * leaves, and is accepted by design; {@code StorageFaultTest} covers the torn tail), and deleting
 * entries (lost writes, which no checksum can show; {@code verify} finds missing index entries).
 *
 * <p>The known store holds SST files and a live WAL: 8 events flushed, then 8 more in the log.
 */
class StoreDamageFuzzTest {
  private static Path pristine;
  private static KnownStore known;

  private static synchronized void build() {
    if (pristine != null) {
      return;
    }
    try {
      Path directory = Files.createTempDirectory("factum-damage-fuzz");
      KnownStore.write(directory, 8);
      KnownStore.flushToSstFiles(directory);
      known = KnownStore.write(directory, 8);
      pristine = directory;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      deleteTree(directory);
                    } catch (IOException ignored) {
                      // a temporary directory left behind is harmless
                    }
                  }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void damagedStore(FuzzedDataProvider data) throws Exception {
    build();
    Path copy = Files.createTempDirectory("factum-damaged");
    try {
      StorageFaultTest.copyStore(pristine, copy.resolve("db"));
      Path db = copy.resolve("db");
      damageValues(db, data);
      damageFiles(db, data);
      KnownStore.judge(db, known.events);
    } finally {
      deleteTree(copy);
    }
  }

  /** Up to three value edits, made with plain RocksDB (before any file is damaged). */
  private static void damageValues(Path db, FuzzedDataProvider data) throws RocksDBException {
    int edits = data.consumeInt(0, 3);
    if (edits == 0) {
      return;
    }
    try (RawRocks raw = new RawRocks(db)) {
      for (int i = 0; i < edits; i++) {
        String family = data.pickValue(RocksDbStorage.COLUMN_FAMILIES);
        ColumnFamilyHandle handle = raw.family(family);
        List<byte[]> keys = keys(raw, handle);
        int kind = data.consumeInt(0, 3);
        if (kind == 0 || keys.isEmpty()) {
          raw.db.put(handle, data.consumeBytes(40), data.consumeBytes(64)); // a new, unknown key
          continue;
        }
        byte[] key = keys.get(data.consumeInt(0, keys.size() - 1));
        byte[] value = raw.db.get(handle, key);
        switch (kind) {
          case 1 -> raw.db.put(handle, key, data.consumeBytes(64)); // overwritten
          case 2 -> {
            if (value.length > 0) { // a flipped bit
              value[data.consumeInt(0, value.length - 1)] ^= (byte) (1 << data.consumeInt(0, 7));
              raw.db.put(handle, key, value);
            }
          }
          default ->
              raw.db.put(
                  handle,
                  key,
                  Arrays.copyOf(value, data.consumeInt(0, Math.max(0, value.length - 1))));
        }
      }
    }
  }

  /** Up to three file edits: a flipped bit anywhere, or a cut tail (not of the WAL). */
  private static void damageFiles(Path db, FuzzedDataProvider data) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(db)) {
      list.filter(StoreDamageFuzzTest::isStoreFile).sorted().forEach(files::add);
    }
    int edits = data.consumeInt(0, 3);
    for (int i = 0; i < edits && !files.isEmpty(); i++) {
      Path file = data.pickValue(files);
      long size = Files.size(file);
      if (size == 0) {
        continue;
      }
      long offset = data.consumeLong(0, size - 1);
      if (data.consumeBoolean() && !file.toString().endsWith(".log")) {
        KnownStore.truncate(file, offset);
      } else {
        KnownStore.flipBit(file, offset, data.consumeInt(0, 7));
      }
    }
  }

  private static boolean isStoreFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".sst")
        || name.endsWith(".log")
        || name.startsWith("MANIFEST-")
        || name.equals("CURRENT");
  }

  private static List<byte[]> keys(RawRocks raw, ColumnFamilyHandle handle) {
    List<byte[]> keys = new ArrayList<>();
    try (RocksIterator it = raw.db.newIterator(handle)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        keys.add(it.key());
      }
    }
    return keys;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
