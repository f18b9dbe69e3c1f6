package dev.factum.bench;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fills a fresh store for the read workloads: {@code events} events in streams {@code load-<i>} of
 * exactly {@link #EVENTS_PER_STREAM} events each, written as one append per stream by many
 * concurrent appenders, so the writer builds large group commits.
 *
 * <p>What must stay true: every stream is written once, with {@code ExpectedRevision.noStream()},
 * so after a successful build each stream holds exactly 100 events and the log exactly {@code
 * events} (checked against the store's head position).
 */
final class LoadedStore {
  static final int EVENTS_PER_STREAM = 100;
  private static final int APPENDERS = 16;

  /** What the build measured. */
  record BuildResult(long events, int streams, long elapsedNanos) {
    double eventsPerSecond() {
      return events / (elapsedNanos / 1e9);
    }

    double dataBytesPerSecond() {
      return eventsPerSecond() * Payloads.SIZE;
    }
  }

  private LoadedStore() {}

  static String streamName(int index) {
    return "load-" + index;
  }

  static BuildResult build(FactumStore store, long events, Progress progress)
      throws InterruptedException {
    if (events < EVENTS_PER_STREAM || events % EVENTS_PER_STREAM != 0) {
      throw new IllegalArgumentException(
          "the stream-load store needs a positive multiple of " + EVENTS_PER_STREAM + " events");
    }
    int streams = Math.toIntExact(events / EVENTS_PER_STREAM);
    Payloads payloads = new Payloads(7);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long started = System.nanoTime();
    List<Thread> appenders = new ArrayList<>();
    for (int a = 0; a < APPENDERS; a++) {
      appenders.add(
          Thread.ofPlatform()
              .name("load-appender-" + a)
              .start(() -> appendStreams(store, streams, next, payloads, failure)));
    }
    long lastReport = started;
    for (Thread appender : appenders) {
      while (!appender.join(java.time.Duration.ofSeconds(1))) {
        long now = System.nanoTime();
        if (now - lastReport >= 10_000_000_000L) {
          lastReport = now;
          long written = store.headPosition() + 1;
          progress.say(
              "building the stream-load store: %s of %s events (%s events/s)",
              Fmt.count(written), Fmt.count(events), Fmt.rate(written / ((now - started) / 1e9)));
        }
      }
    }
    long elapsed = System.nanoTime() - started;
    if (failure.get() != null) {
      throw new IllegalStateException("building the store failed: " + failure.get(), failure.get());
    }
    if (store.headPosition() != events - 1) {
      throw new IllegalStateException(
          "built " + (store.headPosition() + 1) + " events, expected " + events);
    }
    return new BuildResult(events, streams, elapsed);
  }

  private static void appendStreams(
      FactumStore store,
      int streams,
      AtomicInteger next,
      Payloads payloads,
      AtomicReference<Throwable> failure) {
    try {
      int index;
      while (failure.get() == null && (index = next.getAndIncrement()) < streams) {
        List<EventData> batch = new ArrayList<>(EVENTS_PER_STREAM);
        for (int i = 0; i < EVENTS_PER_STREAM; i++) {
          batch.add(EventData.json("OrderPlaced", payloads.next()));
        }
        store.append(streamName(index), ExpectedRevision.noStream(), batch);
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }
}
