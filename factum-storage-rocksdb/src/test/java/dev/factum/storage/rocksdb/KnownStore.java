package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.UnsupportedFormatException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDBException;

/**
 * A small store of known content, written one commit per event, and the oracle that judges a
 * damaged copy of it: the damage must be refused at open or named by {@code verify}, and no read
 * may ever return anything but the original events (a read may refuse with {@link
 * DataCorruptedException}). Shared by the storage-fault tests and the store-damage fuzz target.
 *
 * <p>It also remembers the size of the write-ahead log after each commit, so that a test can cut or
 * damage the log exactly inside one commit's record.
 */
final class KnownStore {
  static final List<String> STREAMS = List.of("order-1", "order-2", "invoice-1");

  /** The events as read back after writing, in position order. */
  final List<RecordedEvent> events;

  /** The live WAL file and its size after each commit (index i: after event i). */
  final Path wal;

  final List<Long> walSizeAfter;

  private KnownStore(List<RecordedEvent> events, Path wal, List<Long> walSizeAfter) {
    this.events = events;
    this.wal = wal;
    this.walSizeAfter = walSizeAfter;
  }

  /**
   * Writes {@code count} more events, one commit each, and closes the store: they are in the WAL.
   * {@link #events} holds every event of the store.
   */
  static KnownStore write(Path directory, int count) {
    List<Long> sizes = new ArrayList<>();
    Path wal;
    List<RecordedEvent> events;
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      wal = liveWal(directory);
      for (int i = 0; i < count; i++) {
        EventData event =
            EventData.json(
                    i % 2 == 0 ? "Placed" : "Paid",
                    "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(40 * i) + "\"}")
                .withTags(i % 3 == 0 ? Set.of("vip", "t" + i % 2) : Set.of("t" + i % 2));
        store.append(STREAMS.get(i % STREAMS.size()), any(), List.of(event));
        sizes.add(size(wal));
      }
      events = store.readAll(0, Direction.FORWARD, 10_000, LogFilter.none()).events();
    }
    assertThat(events).hasSizeGreaterThanOrEqualTo(count);
    return new KnownStore(events, wal, sizes);
  }

  /** Moves everything from the WAL into SST files (one or more per column family). */
  static void flushToSstFiles(Path directory) {
    try (RawRocks raw = new RawRocks(directory);
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      for (String family : RocksDbStorage.COLUMN_FAMILIES) {
        ColumnFamilyHandle handle = raw.family(family);
        raw.db.flush(flush, handle);
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path liveWal(Path directory) {
    List<Path> logs = files(directory, ".log");
    assertThat(logs).as("write-ahead logs in %s", directory).isNotEmpty();
    return logs.getLast();
  }

  /** Files of the store whose names end with {@code suffix}, sorted by name. */
  static List<Path> files(Path directory, String suffix) {
    try (Stream<Path> list = Files.list(directory)) {
      return list.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void flipBit(Path file, long offset, int bit) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ (1 << bit));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void truncate(Path file, long size) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How a damaged store was judged. */
  enum Verdict {
    /** Opening failed with a typed error ({@code data-corrupted} or {@code unsupported-format}). */
    REFUSED_AT_OPEN,
    /** It opened; {@code verify} named the damage; reads refused or returned the right events. */
    NAMED_BY_VERIFY,
    /** It opened, verify found nothing, and every read returned exactly the expected events. */
    INTACT
  }

  /** The verdict on {@code directory}, which should hold exactly {@code expected}. */
  static Verdict judge(Path directory, List<RecordedEvent> expected) {
    return judge(directory, expected, new StringBuilder());
  }

  static Verdict judge(Path directory, List<RecordedEvent> expected, StringBuilder findings) {
    FactumStore store;
    try {
      store = RocksDbEventStore.open(directory);
    } catch (DataCorruptedException | UnsupportedFormatException refused) {
      findings.append(refused.getMessage());
      return Verdict.REFUSED_AT_OPEN;
    }
    try (store) {
      VerifyReport report = store.verify();
      findings.append(report);
      int refusals = readEverything(store, expected);
      if (!report.ok()) {
        return Verdict.NAMED_BY_VERIFY;
      }
      assertThat(refusals).as("reads refused although verify found nothing: %s", report).isZero();
      return Verdict.INTACT;
    }
  }

  /** Every kind of read; each must refuse or return exactly the expected events. */
  private static int readEverything(FactumStore store, List<RecordedEvent> expected) {
    int refusals = 0;
    refusals +=
        check(
            () -> store.readAll(0, Direction.FORWARD, 10_000, LogFilter.none()).events(), expected);
    refusals +=
        check(
            () ->
                store
                    .readAll(Long.MAX_VALUE, Direction.BACKWARD, 10_000, LogFilter.none())
                    .events(),
            expected.reversed());
    for (String stream : STREAMS) {
      refusals +=
          check(
              () -> store.readStream(stream, 0, Direction.FORWARD, 10_000).events(),
              only(expected, e -> e.stream().equals(stream)));
    }
    for (String category : List.of("order", "invoice")) {
      refusals +=
          checkFiltered(
              () ->
                  store
                      .readAll(0, Direction.FORWARD, 10_000, LogFilter.categories(category))
                      .events(),
              only(expected, e -> e.category().equals(category)));
    }
    for (String type : List.of("Placed", "Paid")) {
      refusals +=
          checkFiltered(
              () -> store.readAll(0, Direction.FORWARD, 10_000, LogFilter.types(type)).events(),
              only(expected, e -> e.type().equals(type)));
    }
    for (String tag : List.of("vip", "t0", "t1")) {
      refusals +=
          checkFiltered(
              () -> store.readAll(0, Direction.FORWARD, 10_000, LogFilter.tags(tag)).events(),
              only(expected, e -> e.tags().contains(tag)));
    }
    for (RecordedEvent event : expected) {
      refusals +=
          check(
              () ->
                  store.readAll(event.position(), Direction.FORWARD, 1, LogFilter.none()).events(),
              List.of(event));
    }
    return refusals;
  }

  private static List<RecordedEvent> only(
      List<RecordedEvent> events, Predicate<RecordedEvent> keep) {
    return events.stream().filter(keep).toList();
  }

  private static int check(Supplier<List<RecordedEvent>> read, List<RecordedEvent> expected) {
    List<RecordedEvent> actual;
    try {
      actual = read.get();
    } catch (DataCorruptedException refused) {
      return 1;
    }
    assertThat(actual).as("a read of a damaged store returned wrong data").isEqualTo(expected);
    return 0;
  }

  /**
   * A filtered read cannot see that an entry of the filter index is missing (that would take a scan
   * of the log, which is what the index avoids); {@code verify} names it. So a filtered read may
   * omit events, counted as a refusal, but never return a wrong or misplaced one.
   */
  private static int checkFiltered(
      Supplier<List<RecordedEvent>> read, List<RecordedEvent> expected) {
    List<RecordedEvent> actual;
    try {
      actual = read.get();
    } catch (DataCorruptedException refused) {
      return 1;
    }
    if (actual.equals(expected)) {
      return 0;
    }
    assertThat(expected)
        .as("a filtered read of a damaged store returned wrong data")
        .containsSubsequence(actual);
    assertThat(actual)
        .as("a filtered read of a damaged store returned wrong data")
        .isSubsetOf(expected);
    return 1;
  }
}
