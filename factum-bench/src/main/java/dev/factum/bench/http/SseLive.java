package dev.factum.bench.http;

import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Live delivery: how many events per second reach one reader of the whole log while appends run.
 * In-process, the reader is a subscription ({@code subscribe(toAll(), listener)}); over HTTP it is
 * a client reading {@code GET /all/events?from=0}. The load is the same both times: {@link
 * HttpAppends#VARIANT} (64 threads × 10 events) appending in-process, so the comparison isolates
 * the delivery path, not the append path.
 *
 * <p>What must stay true: each half gets a fresh store (deleted afterwards) and its reader is
 * subscribed before the load starts, so it must see every event; it checks that positions arrive as
 * 0, 1, 2, … Rates are taken over one interval, from the window's start until the load threads have
 * stopped: events appended and events delivered in it. Then the reader must drain to the head (all
 * appended events delivered, none missing) within a bound, and the time that took is reported.
 */
public final class SseLive {
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration READER_STOP = Duration.ofSeconds(5);

  /**
   * One reader's figures.
   *
   * @param appended events appended during the interval
   * @param delivered events the reader received during the interval
   * @param elapsedNanos the interval
   * @param lagAtEnd events appended but not yet delivered when the load stopped
   * @param drainNanos from the load's end until the reader had every event
   */
  public record Pass(
      long appended, long delivered, long elapsedNanos, long lagAtEnd, long drainNanos) {
    public double appendedPerSecond() {
      return appended / (elapsedNanos / 1e9);
    }

    public double deliveredPerSecond() {
      return delivered / (elapsedNanos / 1e9);
    }
  }

  public record Result(Pass inProcess, Pass http) {}

  /** Counts what a reader received; written by the reader's thread only. */
  private static final class Count {
    private volatile long delivered;
    private volatile Throwable failure;
    private volatile boolean closing;

    void event(long position) {
      long next = delivered;
      if (position != next) {
        throw new IllegalStateException(
            "the reader received position " + position + " where " + next + " was due");
      }
      delivered = next + 1;
    }
  }

  private SseLive() {}

  public static Result measure(
      Path runDirectory,
      HttpClientKind client,
      boolean tls,
      Duration warmUp,
      Duration window,
      Progress progress)
      throws IOException, InterruptedException {
    Pass inProcess;
    Path directory = runDirectory.resolve("sse-live-in-process");
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      Count count = new Count();
      Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), listener(count));
      try {
        inProcess = run(store, count, "in-process-live", warmUp, window);
      } finally {
        subscription.close();
      }
    } finally {
      DataDirectory.deleteTree(directory);
    }
    say(progress, "in-process subscription", inProcess);

    Pass http;
    directory = runDirectory.resolve("sse-live-http");
    try (FactumStore store = RocksDbEventStore.open(directory);
        HttpRig rig = HttpRig.start(store, client, tls, progress)) {
      Count count = new Count();
      InputStream body = rig.connect().openEventStream("/all/events?from=0");
      Thread reader =
          Thread.ofPlatform().daemon().name("sse-live-reader").start(() -> read(body, count));
      try {
        http = run(store, count, "http-live", warmUp, window);
      } finally {
        count.closing = true;
        body.close(); // ends the reader's blocking read; at the latest, stopping the server does
        reader.join(READER_STOP);
      }
    } finally {
      DataDirectory.deleteTree(directory);
    }
    say(progress, "GET /all/events", http);
    return new Result(inProcess, http);
  }

  private static SubscriptionListener listener(Count count) {
    return new SubscriptionListener() {
      @Override
      public void onEvent(RecordedEvent event) {
        count.event(event.position());
      }

      @Override
      public void onClose(Throwable cause) {
        if (cause != null) {
          count.failure = cause;
        }
      }
    };
  }

  private static void read(InputStream body, Count count) {
    try (SseReader reader = new SseReader(body)) {
      while (true) {
        long id = reader.next();
        if (id != SseReader.CAUGHT_UP) {
          count.event(id);
        }
      }
    } catch (IOException e) {
      if (!count.closing) {
        count.failure = e;
      }
    } catch (RuntimeException e) {
      count.failure = e;
    }
  }

  private static Pass run(
      FactumStore store, Count count, String name, Duration warmUp, Duration window)
      throws InterruptedException {
    Payloads payloads = new Payloads(42);
    String[] streams = DurableAppends.streamNames();
    long[] atStart = new long[3];
    new ClosedLoop(name, HttpAppends.VARIANT.writers(), warmUp, window)
        .run(
            index ->
                () ->
                    store.append(
                        streams[ThreadLocalRandom.current().nextInt(streams.length)],
                        ExpectedRevision.any(),
                        DurableAppends.events(HttpAppends.VARIANT, payloads)),
            () -> {
              atStart[0] = System.nanoTime();
              atStart[1] = store.headPosition() + 1;
              atStart[2] = count.delivered;
            });
    long end = System.nanoTime();
    long delivered = count.delivered;
    long appended = store.headPosition() + 1;
    long deadline = end + DRAIN_TIMEOUT.toNanos();
    while (count.delivered < appended && count.failure == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name
                + ": the reader had "
                + count.delivered
                + " of "
                + appended
                + " events after "
                + DRAIN_TIMEOUT);
      }
      Thread.sleep(0, 100_000);
    }
    long drained = System.nanoTime();
    if (count.failure != null) {
      throw new IllegalStateException(
          name + ": the reader failed: " + count.failure, count.failure);
    }
    return new Pass(
        appended - atStart[1],
        delivered - atStart[2],
        end - atStart[0],
        appended - delivered,
        drained - end);
  }

  private static void say(Progress progress, String how, Pass pass) {
    progress.say(
        "live delivery, %s: %s events/s delivered of %s appended/s, lag at end %s events",
        how,
        Fmt.rate(pass.deliveredPerSecond()),
        Fmt.rate(pass.appendedPerSecond()),
        Fmt.count(pass.lagAtEnd()));
  }
}
