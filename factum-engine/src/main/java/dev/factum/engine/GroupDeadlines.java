package dev.factum.engine;

import java.util.Arrays;

/**
 * The in-flight deliveries of a consumer group ordered by their ack deadline: what times them out.
 *
 * <p>Why: the feeder looks for late deliveries after every head move and at least every {@value
 * ConsumerGroupManager#TICK_MILLIS} ms. It used to walk every in-flight delivery to find them: with
 * 16 consumers holding 100 each that was 1,600 look-ups per tick, hundreds of ticks a second, on a
 * 2-core machine where every cycle beside the writer slows the writer down. This is an indexed
 * binary min-heap of the {@link GroupPending}s themselves (each knows its slot), so adding or
 * removing one costs O(log n) and no allocation, and a tick costs what is late (nothing, nearly
 * always).
 *
 * <p>What must stay true: {@code pending.deadlineSlot} is its index in {@code heap}, or -1 when it
 * is not held; the heap order compares deadlines as clock-nanos differences ({@code a - b < 0}, as
 * for {@code System.nanoTime}), so it holds across the clock's wrap-around as long as the held
 * deadlines lie within 2^63 ns of each other. Which deliveries are held is the runtime's rule (its
 * in-flight ones: {@link GroupRuntime}). Guarded by the owning runtime's lock.
 */
final class GroupDeadlines {
  private GroupPending[] heap = new GroupPending[64];
  private int size;

  int size() {
    return size;
  }

  boolean contains(GroupPending pending) {
    int slot = pending.deadlineSlot;
    return slot >= 0 && slot < size && heap[slot] == pending;
  }

  /** Holds {@code pending} by its current {@code deadline}; re-sorts it if held already. */
  void add(GroupPending pending) {
    if (contains(pending)) {
      int slot = pending.deadlineSlot;
      if (!siftUp(slot)) {
        siftDown(slot);
      }
      return;
    }
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = pending;
    pending.deadlineSlot = size;
    size++;
    siftUp(size - 1);
  }

  /** Stops holding {@code pending} (nothing happens if it is not held). */
  void remove(GroupPending pending) {
    if (!contains(pending)) {
      return;
    }
    int slot = pending.deadlineSlot;
    pending.deadlineSlot = -1;
    size--;
    GroupPending last = heap[size];
    heap[size] = null;
    if (slot < size) {
      heap[slot] = last;
      last.deadlineSlot = slot;
      if (!siftUp(slot)) {
        siftDown(slot);
      }
    }
  }

  /**
   * The held delivery with the earliest deadline if that deadline is at or before {@code now},
   * removed; else null (and nothing changes).
   */
  GroupPending pollDue(long now) {
    if (size == 0 || heap[0].deadline - now > 0) {
      return null;
    }
    GroupPending first = heap[0];
    remove(first);
    return first;
  }

  /** Moves the entry at {@code slot} up while it is earlier than its parent; whether it moved. */
  private boolean siftUp(int slot) {
    GroupPending moving = heap[slot];
    int at = slot;
    while (at > 0) {
      int parent = (at - 1) >>> 1;
      if (heap[parent].deadline - moving.deadline <= 0) {
        break;
      }
      place(heap[parent], at);
      at = parent;
    }
    place(moving, at);
    return at != slot;
  }

  private void siftDown(int slot) {
    GroupPending moving = heap[slot];
    int at = slot;
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1].deadline - heap[child].deadline < 0) {
        child++;
      }
      if (moving.deadline - heap[child].deadline <= 0) {
        break;
      }
      place(heap[child], at);
      at = child;
    }
    place(moving, at);
  }

  private void place(GroupPending pending, int slot) {
    heap[slot] = pending;
    pending.deadlineSlot = slot;
  }
}
