package dev.factum.tck.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers "the largest value among the operations that completed before time t" in O(log n): the
 * query behind every real-time rule of the {@link LinearizabilityChecker} (an append or read that
 * completed before another began must be visible to it). Values are added, then {@link #seal()}ed;
 * queries come after.
 */
final class CompletedBefore {
  private final List<long[]> entries = new ArrayList<>(); // {completedAt, value}
  private long[] times;
  private long[] prefixMax;

  void add(long completedAt, long value) {
    entries.add(new long[] {completedAt, value});
  }

  CompletedBefore seal() {
    entries.sort((a, b) -> Long.compare(a[0], b[0]));
    times = new long[entries.size()];
    prefixMax = new long[entries.size()];
    long max = Long.MIN_VALUE;
    for (int i = 0; i < entries.size(); i++) {
      times[i] = entries.get(i)[0];
      max = Math.max(max, entries.get(i)[1]);
      prefixMax[i] = max;
    }
    return this;
  }

  /** The largest value of an operation completed strictly before {@code t}; MIN_VALUE if none. */
  long maxBefore(long t) {
    int i = Arrays.binarySearch(times, t);
    int count = i >= 0 ? firstIndexOf(i) : -i - 1;
    return count == 0 ? Long.MIN_VALUE : prefixMax[count - 1];
  }

  private int firstIndexOf(int i) {
    while (i > 0 && times[i - 1] == times[i]) {
      i--;
    }
    return i;
  }
}
