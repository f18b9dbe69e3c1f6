package dev.factum.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fills a store for the read workloads: entities {@code load-<i>} of exactly {@link
 * #EVENTS_PER_ENTITY} events each, one append of 100 events per entity, from {@link #APPENDERS}
 * concurrent appenders, so every system can batch as well as it can. Used for every system of the
 * comparison and for the Factum-only {@link LoadedStore}.
 *
 * <p>What must stay true: each entity of the range is written exactly once, by one append of all
 * its events, so after a successful fill each holds exactly 100 events (the systems check the rest:
 * Factum appends with {@code noStream}); the first failure stops every appender and is rethrown.
 */
public final class EntityFill {
  public static final int EVENTS_PER_ENTITY = 100;
  public static final int APPENDERS = 16;

  /** The entities' category (the part of the name before the dash). */
  public static final String CATEGORY = "load";

  /** What a fill measured. */
  public record Result(long events, int entities, long elapsedNanos) {
    public double eventsPerSecond() {
      return events / (elapsedNanos / 1e9);
    }
  }

  /** Makes one appender's writer (called once per appender thread). */
  @FunctionalInterface
  public interface WriterFactory {
    BenchTarget.Writer writer() throws Exception;
  }

  private EntityFill() {}

  public static String entityName(int index) {
    return CATEGORY + "-" + index;
  }

  /** Writes entities {@code first} to {@code first + entities - 1}. */
  public static Result fill(WriterFactory writers, int first, int entities, Progress progress)
      throws InterruptedException {
    Payloads payloads = new Payloads(7);
    AtomicInteger next = new AtomicInteger(first);
    int end = Math.addExact(first, entities);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long started = System.nanoTime();
    List<Thread> appenders = new ArrayList<>();
    for (int a = 0; a < APPENDERS; a++) {
      appenders.add(
          Thread.ofPlatform()
              .name("fill-" + a)
              .start(() -> appendEntities(writers, end, next, payloads, failure)));
    }
    long lastReport = started;
    for (Thread appender : appenders) {
      while (!appender.join(Duration.ofSeconds(1))) {
        long now = System.nanoTime();
        if (now - lastReport >= 10_000_000_000L) {
          lastReport = now;
          long written = (long) (Math.min(next.get(), end) - first) * EVENTS_PER_ENTITY;
          progress.say(
              "filling: about %s of %s events (%s events/s)",
              Fmt.count(written),
              Fmt.count((long) entities * EVENTS_PER_ENTITY),
              Fmt.rate(written / ((now - started) / 1e9)));
        }
      }
    }
    long elapsed = System.nanoTime() - started;
    if (failure.get() != null) {
      throw new IllegalStateException("filling the store failed: " + failure.get(), failure.get());
    }
    return new Result((long) entities * EVENTS_PER_ENTITY, entities, elapsed);
  }

  private static void appendEntities(
      WriterFactory writers,
      int end,
      AtomicInteger next,
      Payloads payloads,
      AtomicReference<Throwable> failure) {
    try (BenchTarget.Writer writer = writers.writer()) {
      int index;
      while (failure.get() == null && (index = next.getAndIncrement()) < end) {
        List<byte[]> bodies = new ArrayList<>(EVENTS_PER_ENTITY);
        for (int i = 0; i < EVENTS_PER_ENTITY; i++) {
          bodies.add(payloads.next());
        }
        writer.append(entityName(index), bodies);
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }
}
