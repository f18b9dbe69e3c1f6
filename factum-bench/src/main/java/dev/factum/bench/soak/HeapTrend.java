package dev.factum.bench.soak;

import java.util.List;
import java.util.Locale;

/**
 * The soak's verdict on memory: does the live heap stay flat?
 *
 * <p>Design note: each sample is the heap in use right after a full collection ({@code System.gc()}
 * just before the reading), so it measures what is reachable, not how much garbage happened to be
 * waiting. The first fifth of the run is warm-up (caches filling, the JIT, the server's first
 * connections) and is not judged. Of the rest, the mean of the last third is compared with the mean
 * of the first third: the run fails when it grew by more than both allowances (an absolute number
 * of bytes, which keeps short runs from failing on noise, and a percentage of the start level). A
 * leak of a few bytes per request shows up as a steady climb over thirty minutes; a bounded cache
 * that fills up shows up as a step early on and then flat. With fewer than six judged samples there
 * is too little to tell, and the verdict says so rather than passing or failing on noise.
 */
record HeapTrend(
    boolean judged, boolean flat, long startBytes, long endBytes, long allowedBytes, String text) {

  static final int MIN_SAMPLES = 6;

  static HeapTrend of(List<Long> liveHeapBytes, long allowedBytes, int allowedPercent) {
    int warmUp = Math.max(1, liveHeapBytes.size() / 5);
    List<Long> judged =
        liveHeapBytes.subList(Math.min(warmUp, liveHeapBytes.size()), liveHeapBytes.size());
    if (judged.size() < MIN_SAMPLES) {
      return new HeapTrend(
          false,
          true,
          0,
          0,
          allowedBytes,
          "not judged: " + judged.size() + " samples after warm-up (needs " + MIN_SAMPLES + ")");
    }
    int third = judged.size() / 3;
    long start = mean(judged.subList(0, third));
    long end = mean(judged.subList(judged.size() - third, judged.size()));
    long allowed = Math.max(allowedBytes, start * allowedPercent / 100);
    boolean flat = end - start <= allowed;
    String text =
        String.format(
            Locale.ROOT,
            "%s: live heap %.1f MiB (first third) -> %.1f MiB (last third), growth %+.1f MiB,"
                + " allowed %.1f MiB",
            flat ? "flat" : "GROWING",
            start / 1048576.0,
            end / 1048576.0,
            (end - start) / 1048576.0,
            allowed / 1048576.0);
    return new HeapTrend(true, flat, start, end, allowed, text);
  }

  private static long mean(List<Long> values) {
    long sum = 0;
    for (long v : values) {
      sum += v;
    }
    return sum / values.size();
  }
}
