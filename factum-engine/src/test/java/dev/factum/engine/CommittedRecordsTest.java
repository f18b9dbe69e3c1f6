package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.EventData;
import dev.factum.api.RecordConflictException;
import dev.factum.api.StorageFullException;
import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.FaultInjectingStorage.Point;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The writer's memory of committed records ({@link CommittedRecords}) must always say what the
 * storage holds: versions chain across commits, a delete is seen as absent and a new put starts at
 * version 1, and after a commit whose outcome was unknown (it became durable, the caller heard of a
 * full disk) the writer reads the storage again rather than trust what it remembered.
 */
class CommittedRecordsTest {
  private static RecordWrite put(String value, long expected) {
    return RecordWrite.put("ns", "k", value.getBytes(StandardCharsets.UTF_8), expected);
  }

  @Test
  void versionsDeletesAndAnUnknownOutcomeAreSeenAsTheStorageHoldsThem() {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      StoreRecords records = store.records();
      assertThat(records.write(List.of(put("a", RecordWrite.ABSENT)))).containsExactly(1L);
      assertThat(records.write(List.of(put("b", 1)))).containsExactly(2L);
      assertThatThrownBy(() -> records.write(List.of(put("c", 1))))
          .isInstanceOf(RecordConflictException.class);
      assertThat(records.write(List.of(RecordWrite.delete("ns", "k", 2)))).containsExactly(0L);
      assertThat(records.write(List.of(put("d", RecordWrite.ABSENT)))).containsExactly(1L);

      storage.fillDiskAtCommit(storage.commitsEntered() + 1, Point.AFTER_DURABLE);
      assertThatThrownBy(() -> records.write(List.of(put("e", 1))))
          .isInstanceOf(StorageFullException.class);
      storage.freeSpace();
      awaitWritable(store);
      assertThatThrownBy(() -> records.write(List.of(put("f", 1))))
          .as("version 2 landed although its caller heard of a full disk")
          .isInstanceOf(RecordConflictException.class);
      assertThat(records.write(List.of(put("g", 2)))).containsExactly(3L);
      assertThat(new String(records.read("ns", "k").value(), StandardCharsets.UTF_8))
          .isEqualTo("g");
    }
  }

  /**
   * A consumer group's {@code done/P} records are put {@link RecordWrite#UNREAD} and deleted
   * without a condition: the sole writer stages both without reading the storage, a put gets the
   * remembered version plus one (else 1), and the storage holds what the writer remembers.
   */
  @Test
  void putsUnreadAndUnconditionalDeletesAreStagedWithoutAStorageRead() {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      StoreRecords records = store.records();
      byte[] done = {1};
      int before = storage.recordReads();
      assertThat(
              submit(
                  records,
                  RecordWrite.putUnread("factum.test", "done/2", done),
                  RecordWrite.putUnread("factum.test", "done/1", done),
                  RecordWrite.delete("factum.test", "done/0", RecordWrite.ANY)))
          .containsExactly(1L, 1L, 0L);
      assertThat(submit(records, RecordWrite.putUnread("factum.test", "done/2", done)))
          .as("a key the writer remembers gets its next version")
          .containsExactly(2L);
      assertThat(submit(records, RecordWrite.delete("factum.test", "done/1", RecordWrite.ANY)))
          .containsExactly(0L);
      assertThat(storage.recordReads()).as("reads by the writer").isEqualTo(before);
      assertThat(records.read("factum.test", "done/1")).isNull();
      assertThat(records.read("factum.test", "done/2").version()).isEqualTo(2);
      assertThat(submit(records, RecordWrite.put("factum.test", "done/2", done, 2)))
          .as("a conditional write after them sees the versions they wrote")
          .containsExactly(3L);
    }
  }

  @Test
  void onlyTheEnginesOwnNamespacesTakeAPutUnread() {
    assertThatThrownBy(() -> RecordWrite.putUnread("ns", "k", new byte[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new RecordWrite(new RecordKey("factum.test", "k"), null, RecordWrite.UNREAD))
        .as("a delete")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RecordWrite.putUnread("factum.test", "k", new byte[] {1}).expectedVersion())
        .isEqualTo(RecordWrite.UNREAD);
  }

  @SuppressWarnings("unchecked")
  private static List<Long> submit(StoreRecords records, RecordWrite... writes) {
    return (List<Long>) records.submit(List.of(writes), RecordGuard.NONE).join();
  }

  @Test
  void theMemoryIsBoundedAndForgetsTheLeastRecentlyUsed() {
    CommittedRecords memory = new CommittedRecords(2);
    int[] reads = new int[1];
    RecordKey a = new RecordKey("ns", "a");
    RecordKey b = new RecordKey("ns", "b");
    RecordKey c = new RecordKey("ns", "c");
    assertThat(memory.get(a, () -> count(reads))).isNull();
    assertThat(memory.get(a, () -> count(reads))).as("an absent key is remembered").isNull();
    assertThat(reads[0]).isEqualTo(1);
    memory.get(b, () -> count(reads));
    memory.get(a, () -> count(reads)); // a is now the most recently used
    memory.get(c, () -> count(reads)); // b goes
    assertThat(memory.size()).isEqualTo(2);
    memory.get(a, () -> count(reads));
    assertThat(reads[0]).isEqualTo(3);
    memory.get(b, () -> count(reads));
    assertThat(reads[0]).as("b was forgotten and read again").isEqualTo(4);
    memory.clear();
    assertThat(memory.size()).isZero();
  }

  private static StoreRecord count(int[] reads) {
    reads[0]++;
    return null;
  }

  /** Appends a probe until the store writes again (it probes the storage every 200 ms). */
  private static void awaitWritable(FactumStore store) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        store.append("probe-1", any(), List.of(EventData.json("P", "{}")));
        return;
      } catch (StorageFullException stillFull) {
        assertThat(System.nanoTime()).as("the store to write again").isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
    }
  }
}
