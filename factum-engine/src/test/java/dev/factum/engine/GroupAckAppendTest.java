package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.StorageFullException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.FaultInjectingStorage.Point;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The ack-append's guard decides "is this position still open" from the runtime's memory, except
 * for a position whose earlier ack-append ended with an unknown outcome: then from the records.
 * Here the disk fills while an ack-append's commit is being synced (it became durable, the caller
 * hears {@link StorageFullException}); the store resumes once space is freed, and the consumer, who
 * still holds the delivery, ack-appends it again with new events. That must be refused, writing
 * nothing: the first output is the event's one effect. And a checkpoint flush that fails gives back
 * the {@code done/P} deletions it took, so no record is left behind below the checkpoint.
 */
class GroupAckAppendTest {
  @Test
  void anAckAppendRetriedAfterAnUnknownOutcomeIsCheckedAgainstTheRecords() {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      long input = oneEventDeliveredToC(store);
      ConsumerGroups groups = store.consumerGroups();
      // the ack-append's commit, not one of the group's own checkpoint flushes
      storage.fillDiskAtCommitWhere(
          batch -> batch.events().stream().anyMatch(e -> e.stream().equals("out-1")),
          Point.AFTER_DURABLE);
      assertThatThrownBy(() -> groups.appendAndAck("g", "c", List.of(input), output()))
          .isInstanceOf(StorageFullException.class);
      storage.freeSpace();
      awaitWritable(store);
      assertThatThrownBy(() -> groups.appendAndAck("g", "c", List.of(input), output()))
          .isInstanceOf(NotDeliveredException.class);
      assertThat(store.readStream("out-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
      assertThat(groups.awaitProcessed("g", input, Duration.ofSeconds(10))).isTrue();
    }
  }

  /**
   * A checkpoint flush takes the durable {@code done/P} positions its checkpoint passed out of the
   * partition to delete their records; when that flush fails (here the disk is full before it is
   * written), it gives them back, so the flush after it deletes them: no record of an acked event
   * below the checkpoint is left behind.
   */
  @Test
  void aFlushThatFailedGivesItsDeletionsBackToTheNextOne() {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      long input = oneEventDeliveredToC(store);
      ConsumerGroups groups = store.consumerGroups();
      storage.fillDiskAtCommitWhere(
          batch -> batch.deletedRecords().stream().anyMatch(k -> k.key().startsWith("done/")),
          Point.BEFORE_DURABLE);
      groups.appendAndAck("g", "c", List.of(input), output());
      String namespace =
          storage.durableBatches().stream()
              .flatMap(batch -> batch.records().stream())
              .filter(record -> record.key().startsWith("done/"))
              .findFirst()
              .orElseThrow()
              .namespace();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (storage.resumeProbes() == 0) { // the flush that deletes the record failed
        assertThat(System.nanoTime()).as("the deleting flush to fail").isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
      assertThat(doneRecords(storage, namespace)).isNotEmpty();
      storage.freeSpace();
      awaitWritable(store);
      while (!doneRecords(storage, namespace).isEmpty()) {
        assertThat(System.nanoTime()).as("a later flush to delete the record").isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
      assertThat(groups.status("g").durableCheckpoint()).isGreaterThan(input);
    }
  }

  /**
   * Appends one event to {@code in-1}, creates group {@code g} over category {@code in} and has
   * consumer {@code c} poll it; returns its position.
   */
  private static long oneEventDeliveredToC(FactumStore store) {
    long input = store.append("in-1", any(), List.of(EventData.json("In", "{}"))).lastPosition();
    ConsumerGroups groups = store.consumerGroups();
    groups.create(GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in"))));
    assertThat(groups.poll("g", "c", 1, Duration.ofSeconds(10))).hasSize(1);
    return input;
  }

  private static List<String> doneRecords(FaultInjectingStorage storage, String namespace) {
    return storage.real().readRecords(namespace).stream()
        .map(record -> record.key())
        .filter(key -> key.startsWith("done/"))
        .toList();
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

  private static AppendRequest output() {
    return new AppendRequest("out-1", any(), List.of(EventData.json("Out", "{}")));
  }
}
