package dev.factum.engine;

import java.util.Arrays;

/**
 * Log positions, least first out: a binary min-heap over a {@code long[]}. It holds a consumer
 * group partition's positions whose {@code done/P} record is durable ({@link GroupSlice}), which a
 * checkpoint flush deletes once the checkpoint has passed them ({@link #takeBelow}).
 *
 * <p>Why not a {@code TreeSet<Long>}: every ack-append adds its position here, on the consumer's
 * thread and under the group's lock, and a profile of the ack-append windows put the tree's insert
 * (a boxed key, a node, rebalancing) and the look-up after it at 128 of the consumer threads' 405
 * samples, more than a plain ack's whole turn in the lock. Positions arrive nearly ascending, so an
 * insert here usually stops after one compare, and nothing is allocated until the array grows. The
 * order is needed only when taking the least ones out, once per flush.
 *
 * <p>What must stay true: the heap property ({@code heap[i] >= heap[(i - 1) / 2]}). Duplicates are
 * kept (a caller that adds a position twice takes it out twice). Not thread-safe: guarded by the
 * owning runtime's lock.
 */
final class PositionHeap {
  private long[] heap = new long[16];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(long position) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= position) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = position;
  }

  void addAll(long[] positions) {
    for (long position : positions) {
      add(position);
    }
  }

  /** The least position held; only when not empty. */
  long least() {
    if (size == 0) {
      throw new IllegalStateException("no position held");
    }
    return heap[0];
  }

  /** Removes and returns every position below {@code bound}, ascending. */
  long[] takeBelow(long bound) {
    int count = 0;
    long[] out = new long[8];
    while (size > 0 && heap[0] < bound) {
      if (count == out.length) {
        out = Arrays.copyOf(out, count * 2);
      }
      out[count++] = poll();
    }
    return count == out.length ? out : Arrays.copyOf(out, count);
  }

  private long poll() {
    long least = heap[0];
    long last = heap[--size];
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (last <= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return least;
  }
}
