package dev.factum.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Runs an operation in a closed loop on N platform threads: a warm-up, then a timed measurement
 * window. Each thread starts its next operation as soon as the previous one returns, so latency is
 * the service time a caller sees (this load is closed: it never queues more than N operations).
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>An operation counts if and only if it started inside the window; every such operation is
 *       counted and recorded even if it ends after the window closes, and the elapsed time runs
 *       until the last of them ended. So operations / elapsed is exact, not off by the in-flight
 *       tail. The window stays open until at least one operation has started inside it (for at most
 *       a minute), so a window shorter than one stalled operation still measures it.
 *   <li>Each thread records into its own histogram (no shared state on the hot path); they are
 *       merged after the threads have been joined.
 *   <li>The first failure of any operation stops every thread and is rethrown by {@link #run}.
 * </ul>
 */
public final class ClosedLoop {
  private static final int WARM_UP = 0;
  private static final int MEASURE = 1;
  private static final int STOP = 2;

  /** One operation, run repeatedly by one thread. */
  @FunctionalInterface
  public interface Operation {
    void run() throws Exception;
  }

  /** Makes the operation of thread {@code index}; called on the coordinating thread. */
  @FunctionalInterface
  public interface OperationFactory {
    Operation create(int index) throws Exception;
  }

  /**
   * What one window measured.
   *
   * @param operations operations started inside the window
   * @param elapsedNanos from the window's start until it closed or its last operation ended
   * @param latency latency of those operations, in nanoseconds
   */
  public record Result(long operations, long elapsedNanos, Histogram latency) {
    public double perSecond() {
      return operations / (elapsedNanos / 1e9);
    }

    public LatencySummary summary() {
      return LatencySummary.of(latency);
    }
  }

  private final String name;
  private final int threads;
  private static final Duration MAX_WINDOW_EXTENSION = Duration.ofMinutes(1);

  private final Duration warmUp;
  private final Duration window;
  private volatile boolean startedInWindow;
  private final AtomicInteger phase = new AtomicInteger(WARM_UP);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  public ClosedLoop(String name, int threads, Duration warmUp, Duration window) {
    if (threads < 1) {
      throw new IllegalArgumentException("at least one thread");
    }
    this.name = name;
    this.threads = threads;
    this.warmUp = warmUp;
    this.window = window;
  }

  /**
   * Runs the loop; {@code atWindowStart} runs on this thread just before the window opens (to
   * snapshot counters).
   */
  public Result run(OperationFactory factory, Runnable atWindowStart) throws InterruptedException {
    List<Worker> workers = new ArrayList<>(threads);
    try {
      for (int i = 0; i < threads; i++) {
        workers.add(new Worker(factory.create(i)));
      }
    } catch (Exception e) {
      throw new IllegalStateException(name + ": cannot set up thread operations", e);
    }
    List<Thread> running = new ArrayList<>(threads);
    for (int i = 0; i < threads; i++) {
      running.add(Thread.ofPlatform().name(name + "-" + i).start(workers.get(i)));
    }
    long windowStart;
    long windowEnd;
    try {
      sleepUnlessFailed(warmUp.toNanos());
      atWindowStart.run();
      windowStart = System.nanoTime();
      // A failed thread has already set STOP, which must not be undone.
      if (phase.compareAndSet(WARM_UP, MEASURE)) {
        sleepUnlessFailed(window.toNanos());
        awaitFirstStartInWindow();
      }
      windowEnd = System.nanoTime();
    } finally {
      phase.set(STOP);
      for (Thread thread : running) {
        thread.join();
      }
    }
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException(name + ": an operation failed: " + failed, failed);
    }
    Histogram merged = new Histogram(3);
    long operations = 0;
    long lastEnd = windowEnd;
    for (Worker worker : workers) {
      merged.add(worker.histogram);
      operations += worker.operations;
      lastEnd = Math.max(lastEnd, worker.lastEnd);
    }
    return new Result(operations, lastEnd - windowStart, merged);
  }

  /**
   * A window shorter than one stalled operation (a smoke run's 1 s on a busy machine) would measure
   * nothing: it stays open until some operation has started inside it, for at most {@link
   * #MAX_WINDOW_EXTENSION}.
   */
  private void awaitFirstStartInWindow() throws InterruptedException {
    long deadline = System.nanoTime() + MAX_WINDOW_EXTENSION.toNanos();
    while (!startedInWindow && failure.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  private void sleepUnlessFailed(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    long left;
    while (failure.get() == null && (left = deadline - System.nanoTime()) > 0) {
      Thread.sleep(Math.min(50, Math.max(1, left / 1_000_000)));
    }
  }

  /** One thread's loop and its private figures (read only after the thread was joined). */
  private final class Worker implements Runnable {
    private final Operation operation;
    private final Histogram histogram = new Histogram(3);
    private long operations;
    private long lastEnd;

    Worker(Operation operation) {
      this.operation = operation;
    }

    @Override
    public void run() {
      try {
        int current;
        while ((current = phase.get()) != STOP) {
          long start = System.nanoTime();
          if (current == MEASURE && !startedInWindow) {
            startedInWindow = true; // written once; afterwards only read (a shared, clean line)
          }
          operation.run();
          long end = System.nanoTime();
          if (current == MEASURE) {
            histogram.recordValue(end - start);
            operations++;
            lastEnd = end;
          }
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
        phase.set(STOP);
      }
    }
  }
}
