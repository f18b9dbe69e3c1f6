package dev.factum.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PositionHeap} against a {@link PriorityQueue} of the same positions: random adds (nearly
 * ascending, as acks come, and scattered) and takes below random bounds, each taken run ascending
 * and exactly the positions below the bound, duplicates included.
 */
class PositionHeapTest {
  @Test
  void takesExactlyThePositionsBelowTheBoundAscendingAsAPriorityQueueWould() {
    SplittableRandom random = new SplittableRandom(12);
    for (int trial = 0; trial < 200; trial++) {
      PositionHeap heap = new PositionHeap();
      PriorityQueue<Long> model = new PriorityQueue<>();
      long next = 0;
      for (int step = 0; step < 500; step++) {
        if (random.nextInt(10) < 7) {
          long position =
              random.nextBoolean() ? next + random.nextInt(50) : random.nextLong(next + 1);
          next += random.nextInt(3);
          heap.add(position);
          model.add(position);
        } else {
          long bound = random.nextLong(next + 60);
          List<Long> expected = new ArrayList<>();
          while (!model.isEmpty() && model.peek() < bound) {
            expected.add(model.poll());
          }
          List<Long> taken = new ArrayList<>();
          for (long position : heap.takeBelow(bound)) {
            taken.add(position);
          }
          assertThat(taken).isEqualTo(expected);
        }
        assertThat(heap.size()).isEqualTo(model.size());
        if (!model.isEmpty()) {
          assertThat(heap.least()).isEqualTo(model.peek());
        }
      }
    }
  }

  @Test
  void givesBackWhatWasTakenAndRefusesTheLeastOfNothing() {
    PositionHeap heap = new PositionHeap();
    assertThat(heap.isEmpty()).isTrue();
    assertThat(heap.takeBelow(Long.MAX_VALUE)).isEmpty();
    assertThatThrownBy(heap::least).isInstanceOf(IllegalStateException.class);
    for (long position = 40; position >= 0; position--) {
      heap.add(position);
    }
    long[] taken = heap.takeBelow(20);
    assertThat(taken).hasSize(20).startsWith(0, 1, 2).endsWith(19);
    heap.addAll(taken); // a flush that failed gives its deletions back
    assertThat(heap.size()).isEqualTo(41);
    assertThat(heap.takeBelow(41)).hasSize(41).startsWith(0).endsWith(40);
  }
}
