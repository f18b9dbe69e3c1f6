package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupHandout}'s index against the rule it replaces: the events that may be handed out are
 * exactly the first outstanding event of each stream that is ready (or whose backoff is over), in
 * position order, and the buffer's bounds count events and bytes.
 */
class GroupHandoutTest {
  private static final GroupSlice SLICE = new GroupSlice(0, 0, false);

  private static GroupPending event(long position, String stream, int bytes) {
    return new GroupPending(
        new RecordedEvent(
            UUID.randomUUID(),
            stream,
            0,
            position,
            Instant.EPOCH,
            "T",
            "application/json",
            new byte[bytes],
            new byte[0],
            Set.of()),
        false,
        0,
        SLICE);
  }

  /** The rule by brute force: the first outstanding event of each stream, if due. */
  private static List<Long> expected(GroupHandout buffer, long now) {
    Map<String, GroupPending> first = new HashMap<>();
    List<GroupPending> byPosition = new ArrayList<>(buffer.all());
    byPosition.sort(Comparator.comparingLong(GroupPending::position));
    for (GroupPending pending : byPosition) {
      first.putIfAbsent(pending.event.stream(), pending);
    }
    return first.values().stream()
        .filter(p -> p.isDue(now))
        .map(GroupPending::position)
        .sorted()
        .toList();
  }

  private static List<Long> due(GroupHandout buffer, long now) {
    return buffer.due(Integer.MAX_VALUE, now, s -> true).stream()
        .map(GroupPending::position)
        .toList();
  }

  @Test
  void handsOutExactlyTheDueStreamHeadsWhateverHappensToTheEvents() {
    SplittableRandom random = new SplittableRandom(12);
    GroupHandout buffer = new GroupHandout(100_000, Long.MAX_VALUE);
    long next = 0;
    long now = 0;
    for (int step = 0; step < 3_000; step++) {
      now += random.nextInt(3);
      int action = random.nextInt(10);
      List<GroupPending> heads = buffer.due(Integer.MAX_VALUE, Long.MAX_VALUE, s -> true);
      if (action < 4 || buffer.size() == 0) {
        buffer.add(event(next++, "s-" + random.nextInt(12), 1));
      } else if (action < 6 && !heads.isEmpty()) { // hand one out
        GroupPending head = heads.get(random.nextInt(heads.size()));
        head.state = GroupPending.State.IN_FLIGHT;
        buffer.changed(head);
      } else if (action < 8) { // an in-flight one: done, or failed and backing off
        for (GroupPending pending : buffer.all()) {
          if (pending.state == GroupPending.State.IN_FLIGHT) {
            if (random.nextBoolean()) {
              buffer.remove(pending);
            } else {
              pending.state = GroupPending.State.BACKOFF;
              pending.readyAt = now + random.nextInt(5);
              buffer.changed(pending);
            }
            break;
          }
        }
      } else if (action == 8 && !heads.isEmpty()) { // a head committing (ack-append, park)
        GroupPending head = heads.getFirst();
        head.state = GroupPending.State.COMMITTING;
        buffer.changed(head);
      } else {
        for (GroupPending pending : buffer.all()) {
          if (pending.state == GroupPending.State.COMMITTING) {
            buffer.remove(pending);
            break;
          }
        }
      }
      assertThat(due(buffer, now)).as("step %d", step).isEqualTo(expected(buffer, now));
    }
  }

  @Test
  void aFairShareAndAPartitionThatIsNotUsableAreRespected() {
    GroupHandout buffer = new GroupHandout(100, Long.MAX_VALUE);
    for (int i = 0; i < 10; i++) {
      buffer.add(event(i, "s-" + i, 1));
    }
    assertThat(buffer.due(3, 0, s -> true))
        .extracting(GroupPending::position)
        .containsExactly(0L, 1L, 2L);
    assertThat(buffer.due(3, 0, s -> false)).isEmpty();
    assertThat(buffer.waitingHeads()).isEqualTo(10);
  }

  @Test
  void theBufferIsFullAtItsEventOrByteBound() {
    GroupHandout byCount = new GroupHandout(2, Long.MAX_VALUE);
    byCount.add(event(0, "a-1", 10));
    assertThat(byCount.full()).isFalse();
    byCount.add(event(1, "a-1", 10));
    assertThat(byCount.full()).isTrue();
    byCount.remove(byCount.get(0));
    assertThat(byCount.full()).isFalse();

    GroupHandout byBytes = new GroupHandout(100, 25);
    byBytes.add(event(0, "a-1", 10));
    byBytes.add(event(1, "b-1", 10));
    assertThat(byBytes.full()).isFalse();
    byBytes.add(event(2, "c-1", 10));
    assertThat(byBytes.full()).isTrue();
    byBytes.remove(byBytes.get(1));
    assertThat(byBytes.full()).isFalse();
  }
}
