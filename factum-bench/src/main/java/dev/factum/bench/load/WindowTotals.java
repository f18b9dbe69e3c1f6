package dev.factum.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One side of an interleaved comparison (A, B, A, B, ...): the windows of one set-up summed over
 * the rounds, so its rate is all its operations over all its measured time and its percentiles come
 * from every latency it recorded. Not thread-safe: fed on the coordinating thread after each
 * window.
 */
public final class WindowTotals {
  private long operations;
  private long elapsedNanos;
  private final Histogram latency = new Histogram(3);

  public void add(ClosedLoop.Result result) {
    add(result.operations(), result.elapsedNanos(), result.latency());
  }

  public void add(long moreOperations, long moreNanos, Histogram moreLatency) {
    operations += moreOperations;
    elapsedNanos += moreNanos;
    latency.add(moreLatency);
  }

  public long operations() {
    return operations;
  }

  public long elapsedNanos() {
    return elapsedNanos;
  }

  public double perSecond() {
    return operations / (elapsedNanos / 1e9);
  }

  public LatencySummary summary() {
    return LatencySummary.of(latency);
  }
}
