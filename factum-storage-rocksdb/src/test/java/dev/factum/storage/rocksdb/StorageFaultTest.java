package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.KnownStore.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damage to the files of a real RocksDB store on disk: a torn or truncated tail and flipped bits in
 * the write-ahead log and in SST files, and a damaged value in each column family. Each case ends
 * with the same oracle ({@link KnownStore#judge}): the store refuses to open, or opens and {@code
 * verify} names the damage; no read ever returns anything but the original events.
 *
 * <p>The WAL cases pin the recovery mode ({@code kTolerateCorruptedTailRecords}, see {@link
 * RocksDbStorage}): an incomplete record at the very end of the log is what a crash during an
 * un-acknowledged write leaves behind and is dropped; a damaged record anywhere else refuses the
 * open, because every record before the last was acknowledged. RocksDB's default ({@code
 * kPointInTimeRecovery}) would instead open the store without the damaged record and everything
 * after it: acknowledged events would silently vanish ({@link
 * #aFlippedBitInAnAcknowledgedWalRecordRefusesTheOpen} fails under it).
 *
 * <p>Offsets of the random cases come from a seed, printed and accepted back with {@code
 * -Dfactum.fault.seed=N}.
 */
class StorageFaultTest {
  private static final int EVENTS = 12;

  @TempDir Path directory;

  private static long seed() {
    String given = System.getProperty("factum.fault.seed", "");
    long seed = given.isBlank() ? System.nanoTime() : Long.parseLong(given);
    System.out.printf(
        "storage fault test: seed %d (replay with -Dfactum.fault.seed=%d)%n", seed, seed);
    return seed;
  }

  @Test
  void aTornWalTailLosesOnlyTheWriteThatWasInFlight() {
    KnownStore known = KnownStore.write(directory, EVENTS);
    // The last commit stands for a write whose fsync never returned: cut its record in half.
    long acknowledgedEnd = known.walSizeAfter.get(EVENTS - 2);
    long tornEnd = known.walSizeAfter.get(EVENTS - 1);
    KnownStore.truncate(known.wal, acknowledgedEnd + (tornEnd - acknowledgedEnd) / 2);

    List<RecordedEvent> acknowledged = known.events.subList(0, EVENTS - 1);
    assertThat(KnownStore.judge(directory, acknowledged)).isEqualTo(Verdict.INTACT);
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.append("order-9", any(), List.of(EventData.json("T", "{}"))).lastPosition())
          .as("the store carries on after the last acknowledged position")
          .isEqualTo(EVENTS - 1);
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void aWalCutAtACommitBoundaryKeepsEveryCommitBeforeTheCut() {
    KnownStore known = KnownStore.write(directory, EVENTS);
    KnownStore.truncate(known.wal, known.walSizeAfter.get(EVENTS - 3));
    assertThat(KnownStore.judge(directory, known.events.subList(0, EVENTS - 2)))
        .isEqualTo(Verdict.INTACT);
  }

  @Test
  void aFlippedBitInAnAcknowledgedWalRecordRefusesTheOpen() {
    KnownStore known = KnownStore.write(directory, EVENTS);
    long start = known.walSizeAfter.get(2);
    long end = known.walSizeAfter.get(3);
    KnownStore.flipBit(known.wal, start + (end - start) / 2, 3);
    assertThatThrownBy(() -> RocksDbEventStore.open(directory).close())
        .isInstanceOf(DataCorruptedException.class);
    StringBuilder findings = new StringBuilder();
    assertThat(KnownStore.judge(directory, known.events, findings))
        .isEqualTo(Verdict.REFUSED_AT_OPEN);
    assertThat(findings).contains(known.wal.getFileName().toString());
  }

  @Test
  void flippedBitsAnywhereInTheWalAreNeverServedAsData() {
    Random random = new Random(seed());
    KnownStore known = KnownStore.write(directory, EVENTS);
    long size = KnownStore.size(known.wal);
    // Bytes before the last record: an acknowledged commit is hit, so the open must be refused.
    long offset = random.nextLong(known.walSizeAfter.get(EVENTS - 2));
    KnownStore.flipBit(known.wal, offset, random.nextInt(8));
    assertThat(KnownStore.judge(directory, known.events))
        .as("bit flipped at offset %d of %d", offset, size)
        .isIn(Verdict.REFUSED_AT_OPEN, Verdict.NAMED_BY_VERIFY);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void aTruncatedSstFileRefusesTheOpen(int cut) {
    KnownStore known = KnownStore.write(directory, EVENTS);
    KnownStore.flushToSstFiles(directory);
    List<Path> tables = KnownStore.files(directory, ".sst");
    assertThat(tables).isNotEmpty();
    for (Path table : tables) {
      long size = KnownStore.size(table);
      KnownStore.truncate(table, cut == 1 ? size - 1 : cut == 2 ? size / 2 : 0);
      StringBuilder findings = new StringBuilder();
      assertThat(KnownStore.judge(directory, known.events, findings))
          .as("%s cut from %d bytes", table.getFileName(), size)
          .isEqualTo(Verdict.REFUSED_AT_OPEN);
    }
  }

  @Test
  void flippedBitsInEverySstFileAreRefusedOrNamed() {
    Random random = new Random(seed());
    KnownStore known = KnownStore.write(directory, EVENTS);
    KnownStore.flushToSstFiles(directory);
    int trial = 0;
    for (Path table : KnownStore.files(directory, ".sst")) {
      for (int i = 0; i < 4; i++) { // four places in each file, each in a fresh copy
        Path copy = directory.resolveSibling(directory.getFileName() + "-" + trial++);
        copyStore(directory, copy);
        long offset = random.nextLong(KnownStore.size(table));
        KnownStore.flipBit(copy.resolve(table.getFileName()), offset, random.nextInt(8));
        assertThat(KnownStore.judge(copy, known.events))
            .as("%s: bit flipped at offset %d", table.getFileName(), offset)
            .isIn(Verdict.REFUSED_AT_OPEN, Verdict.NAMED_BY_VERIFY);
      }
    }
  }

  static void copyStore(Path from, Path to) {
    try (var files = java.nio.file.Files.list(from)) {
      java.nio.file.Files.createDirectories(to);
      for (Path file : files.toList()) {
        java.nio.file.Files.copy(file, to.resolve(file.getFileName()));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
