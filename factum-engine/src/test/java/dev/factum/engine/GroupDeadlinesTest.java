package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupDeadlines} on its own (order, the deadline itself, removal, the clock's wrap-around),
 * then the runtime's timeouts that it drives, on a clock the test steps: a delivery times out at
 * its deadline and not a nanosecond before, an ack or a leave cancels it, and an ack-append being
 * committed cannot time out until its commit fails.
 */
class GroupDeadlinesTest {
  private static final GroupSlice SLICE = new GroupSlice(0, 0, false);
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private static RecordedEvent event(long position, String stream) {
    return new RecordedEvent(
        UUID.randomUUID(),
        stream,
        0,
        position,
        Instant.EPOCH,
        "T",
        "application/json",
        new byte[0],
        new byte[0],
        Set.of());
  }

  private static GroupPending pending(long position, long deadline) {
    GroupPending pending = new GroupPending(event(position, "s-" + position), false, 0, SLICE);
    pending.deadline = deadline;
    return pending;
  }

  private static List<Long> drain(GroupDeadlines deadlines, long now) {
    List<Long> out = new ArrayList<>();
    for (GroupPending due = deadlines.pollDue(now); due != null; due = deadlines.pollDue(now)) {
      out.add(due.position());
    }
    return out;
  }

  @Test
  void comesOutInDeadlineOrderWhateverIsAddedRemovedAndReAdded() {
    SplittableRandom random = new SplittableRandom(12);
    GroupDeadlines deadlines = new GroupDeadlines();
    List<GroupPending> model = new ArrayList<>();
    List<GroupPending> all = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      all.add(pending(i, 0));
    }
    long now = 0;
    for (int step = 0; step < 20_000; step++) {
      GroupPending some = all.get(random.nextInt(all.size()));
      switch (random.nextInt(4)) {
        case 0, 1 -> { // hand out (or re-time one that is held)
          some.deadline = now + random.nextLong(1, 1_000);
          deadlines.add(some);
          if (!model.contains(some)) {
            model.add(some);
          }
        }
        case 2 -> { // ack, nack, leave: cancelled
          deadlines.remove(some);
          model.remove(some);
        }
        default -> { // a tick
          now += random.nextLong(0, 50);
          long at = now;
          List<GroupPending> late =
              model.stream()
                  .filter(p -> p.deadline <= at)
                  .sorted(Comparator.comparingLong(p -> p.deadline))
                  .toList();
          List<Long> lateDeadlines = late.stream().map(p -> p.deadline).toList();
          List<Long> out = new ArrayList<>();
          for (GroupPending due = deadlines.pollDue(now);
              due != null;
              due = deadlines.pollDue(now)) {
            out.add(due.deadline);
            assertThat(deadlines.contains(due)).isFalse();
          }
          assertThat(out).as("the late ones, earliest first").isEqualTo(lateDeadlines);
          model.removeAll(late);
        }
      }
      assertThat(deadlines.size()).isEqualTo(model.size());
    }
    for (GroupPending held : model) {
      assertThat(deadlines.contains(held)).isTrue();
    }
  }

  @Test
  void aDeliveryIsDueAtItsDeadlineNotBeforeAndARemovedOneNever() {
    GroupDeadlines deadlines = new GroupDeadlines();
    GroupPending first = pending(1, 100);
    GroupPending second = pending(2, 100);
    GroupPending third = pending(3, 200);
    deadlines.add(third);
    deadlines.add(first);
    deadlines.add(second);
    assertThat(deadlines.pollDue(99)).isNull();
    assertThat(deadlines.size()).isEqualTo(3);
    deadlines.remove(second);
    deadlines.remove(second); // not held any more: nothing happens
    assertThat(drain(deadlines, 100)).containsExactly(1L);
    assertThat(drain(deadlines, 199)).isEmpty();
    third.deadline = 150; // re-timed while held
    deadlines.add(third);
    assertThat(drain(deadlines, 150)).containsExactly(3L);
    assertThat(deadlines.size()).isZero();
    assertThat(first.deadlineSlot).isEqualTo(-1);
  }

  @Test
  void deadlinesAcrossTheClocksWrapAroundKeepTheirOrder() {
    GroupDeadlines deadlines = new GroupDeadlines();
    long nearTheEnd = Long.MAX_VALUE - 10;
    GroupPending before = pending(1, nearTheEnd);
    GroupPending after = pending(2, nearTheEnd + 20); // wrapped: a large negative number
    deadlines.add(after);
    deadlines.add(before);
    assertThat(drain(deadlines, nearTheEnd)).containsExactly(1L);
    assertThat(drain(deadlines, nearTheEnd + 19)).isEmpty();
    assertThat(drain(deadlines, nearTheEnd + 20)).containsExactly(2L);
  }

  // ---- the runtime's timeouts ------------------------------------------------------------------

  /** A runtime owning every partition, with {@code count} events of distinct streams read in. */
  private static GroupRuntime runtime(AtomicLong clock, int count) {
    GroupDefinition definition =
        GroupDefinition.of("g", GroupSource.all())
            .with(new GroupSettings(100, TIMEOUT, 5, Duration.ZERO));
    GroupRuntime runtime =
        new GroupRuntime(
            new GroupCodec.Stored(UUID.randomUUID(), definition),
            1,
            0,
            (writes, guard) ->
                new CompletableFuture<>(), // never completes: nothing is written here
            GroupRuntime.Fence.NONE,
            clock::get);
    for (int p = 0; p < GroupCodec.PARTITIONS; p++) {
      runtime.gain(p, 0, false, 0, List.of(), List.of());
    }
    List<RecordedEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(event(i, "stream-" + i));
    }
    runtime.read(0, events, count);
    return runtime;
  }

  private static List<Long> positions(List<Delivery> deliveries) {
    return deliveries.stream().map(Delivery::position).sorted().toList();
  }

  @Test
  void aDeliveryTimesOutAtItsDeadlineUnlessAckedOrLeftFirst() {
    AtomicLong clock = new AtomicLong(1_000);
    GroupRuntime runtime = runtime(clock, 4);
    assertThat(positions(runtime.take("a", 2, clock.get()))).containsExactly(0L, 1L);
    clock.addAndGet(TIMEOUT.toNanos() / 2);
    assertThat(positions(runtime.take("b", 2, clock.get()))).containsExactly(2L, 3L);
    long firstDeadline = 1_000 + TIMEOUT.toNanos();

    assertThat(runtime.ack("a", 0)).isDone();
    runtime.expire(firstDeadline - 1);
    assertThat(runtime.take("c", 10, firstDeadline - 1)).as("nothing is late yet").isEmpty();

    runtime.expire(firstDeadline);
    List<Delivery> again = runtime.take("c", 10, firstDeadline);
    assertThat(positions(again)).as("1 timed out at its deadline; 0 was acked").containsExactly(1L);
    assertThat(again.getFirst().attempt()).isEqualTo(2);
    assertThatThrownBy(() -> runtime.ack("a", 1)).isInstanceOf(NotDeliveredException.class);

    runtime.leave("b"); // 2 and 3 go back at once, without a deadline
    assertThat(positions(runtime.take("d", 10, firstDeadline))).containsExactly(2L, 3L);
    assertThat(runtime.ack("d", 2)).isDone();
    assertThat(runtime.ack("d", 3)).isDone();
    assertThat(runtime.ack("c", 1)).isDone();
    runtime.expire(firstDeadline + 10 * TIMEOUT.toNanos());
    assertThat(runtime.take("e", 10, clock.get())).isEmpty();
    assertThat(runtime.checkpoint()).isEqualTo(4);
  }

  @Test
  void anAckAppendBeingCommittedCannotTimeOutUntilItsCommitFails() {
    AtomicLong clock = new AtomicLong(0);
    GroupRuntime runtime = runtime(clock, 1);
    assertThat(runtime.take("a", 1, 0)).hasSize(1);
    GroupAckAppend staged = runtime.beginAckAppend("a", List.of(0L), true);
    runtime.expire(2 * TIMEOUT.toNanos());
    assertThat(runtime.take("b", 1, 2 * TIMEOUT.toNanos())).as("committing, not late").isEmpty();

    runtime.ackAppended(List.of(0L), staged, new IllegalStateException("the commit failed"));
    runtime.expire(2 * TIMEOUT.toNanos()); // in flight again, past its deadline
    List<Delivery> again = runtime.take("b", 1, 2 * TIMEOUT.toNanos());
    assertThat(positions(again)).containsExactly(0L);
    assertThat(again.getFirst().attempt()).isEqualTo(2);
  }
}
