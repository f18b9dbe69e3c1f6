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
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.FaultInjectingStorage.Point;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The ack-append's guard decides "is this position still open" from the runtime's memory, except
 * for a position whose earlier ack-append ended with an unknown outcome: then from the records.
 * Here the disk fills while an ack-append's commit is being synced (it became durable, the caller
 * hears {@link StorageFullException}); the store resumes once space is freed, and the consumer, who
 * still holds the delivery, ack-appends it again with new events. That must be refused, writing
 * nothing: the first output is the event's one effect. The ack-appends the writer commits together
 * write one {@code acks/P} record between them, which a flush deletes once the checkpoint passed
 * all of it; and a flush that fails gives back the deletions it took, so no record is left behind
 * below the checkpoint.
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
   * Eight consumers' ack-appends queued while the writer is held in a commit: the batch that
   * commits them writes one {@code acks/P} record holding all their positions (named after the
   * first output event's position), and no {@code done/P} record; once the checkpoint passed them
   * all, a flush deletes it.
   */
  @Test
  void ackAppendsCommittedTogetherWriteOneAcksRecord() throws Exception {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      List<Long> inputs = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        inputs.add(
            store.append("in-" + i, any(), List.of(EventData.json("In", "{}"))).lastPosition());
      }
      ConsumerGroups groups = store.consumerGroups();
      groups.create(GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in"))));
      long[] held = new long[9];
      for (int i = 1; i <= 8; i++) {
        List<Delivery> got = groups.poll("g", "c" + i, 1, Duration.ofSeconds(10));
        assertThat(got).hasSize(1);
        held[i] = got.getFirst().position();
      }
      CountDownLatch release = storage.holdCommits();
      int before = storage.commitsEntered();
      var blocker =
          store.appendAsync(
              new AppendRequest("other-1", any(), List.of(EventData.json("X", "{}"))));
      storage.awaitCommitEntered(before + 1);
      List<Thread> handlers = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        String consumer = "c" + i;
        long position = held[i];
        AppendRequest output = output("out-" + i);
        handlers.add(
            Thread.ofPlatform()
                .start(() -> groups.appendAndAck("g", consumer, List.of(position), output)));
      }
      awaitQueued(handlers);
      release.countDown();
      blocker.join();
      for (Thread handler : handlers) {
        handler.join();
      }
      List<CommitBatch> withOutput =
          storage.durableBatches().stream()
              .filter(b -> b.events().stream().anyMatch(e -> e.stream().startsWith("out-")))
              .toList();
      long outputs = withOutput.stream().mapToLong(b -> b.events().size()).sum();
      assertThat(outputs).isEqualTo(8);
      assertThat(withOutput.size()).as("the eight commits waited together").isLessThan(8);
      for (var batch : withOutput) {
        var acks = batch.records().stream().filter(r -> r.key().startsWith("acks/")).toList();
        assertThat(acks).hasSize(1);
        assertThat(batch.records()).noneMatch(r -> r.key().startsWith("done/"));
        long firstOutput =
            batch.events().stream()
                .filter(e -> e.stream().startsWith("out-"))
                .mapToLong(e -> e.position())
                .min()
                .orElseThrow();
        assertThat(acks.getFirst().key())
            .isEqualTo(GroupCodec.positionKey(GroupCodec.ACKS, firstOutput));
        assertThat(GroupCodec.ackSet(acks.getFirst().value()).positions())
            .hasSize(
                (int) batch.events().stream().filter(e -> e.stream().startsWith("out-")).count());
      }
      assertThat(groups.awaitProcessed("g", inputs.getLast(), Duration.ofSeconds(10))).isTrue();
      String namespace = withOutput.getFirst().records().getFirst().namespace();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!recordsUnder(storage, namespace, "acks/").isEmpty()) {
        assertThat(System.nanoTime()).as("a flush to delete the acks record").isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
    }
  }

  /**
   * A checkpoint flush takes the {@code acks/P} records whose positions durable checkpoints passed
   * to delete them; when that flush fails (here the disk is full before it is written), it gives
   * them back, so a flush after it deletes them: no record of an acked event below the checkpoint
   * is left behind.
   */
  @Test
  void aFlushThatFailedGivesItsDeletionsBackToTheNextOne() {
    FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
    try (FactumStore store = FactumStore.open(storage)) {
      long input = oneEventDeliveredToC(store);
      ConsumerGroups groups = store.consumerGroups();
      storage.fillDiskAtCommitWhere(
          batch -> batch.deletedRecords().stream().anyMatch(k -> k.key().startsWith("acks/")),
          Point.BEFORE_DURABLE);
      groups.appendAndAck("g", "c", List.of(input), output());
      String namespace =
          storage.durableBatches().stream()
              .flatMap(batch -> batch.records().stream())
              .filter(record -> record.key().startsWith("acks/"))
              .findFirst()
              .orElseThrow()
              .namespace();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (storage.resumeProbes() == 0) { // the flush that deletes the record failed
        assertThat(System.nanoTime()).as("the deleting flush to fail").isLessThan(deadline);
        LockSupport.parkNanos(10_000_000);
      }
      assertThat(recordsUnder(storage, namespace, "acks/")).isNotEmpty();
      storage.freeSpace();
      awaitWritable(store);
      while (!recordsUnder(storage, namespace, "acks/").isEmpty()) {
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

  private static List<String> recordsUnder(
      FaultInjectingStorage storage, String namespace, String prefix) {
    return storage.real().readRecords(namespace).stream()
        .map(record -> record.key())
        .filter(key -> key.startsWith(prefix))
        .toList();
  }

  /** Waits until every handler is parked (waiting for its commit, the writer being held). */
  private static void awaitQueued(List<Thread> handlers) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!handlers.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
      assertThat(System.nanoTime()).as("the handlers to queue").isLessThan(deadline);
      LockSupport.parkNanos(1_000_000);
    }
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
    return output("out-1");
  }

  private static AppendRequest output(String stream) {
    return new AppendRequest(stream, any(), List.of(EventData.json("Out", "{}")));
  }
}
