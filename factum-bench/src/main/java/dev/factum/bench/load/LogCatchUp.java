package dev.factum.bench.load;

import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.FactumStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Global log catch-up: what a new projection does. Two ways over the whole log of the {@link
 * LoadedStore}, from position 0: paged reads ({@code readAll(from, FORWARD, 1000, none)}) on one
 * thread, and a subscription to the whole log timed until its first {@code onCaughtUp}.
 *
 * <p>What must stay true: both count every event and check that positions arrive as 0, 1, 2, ...
 * without a gap or repeat, so the figure is for a complete, ordered catch-up. Each pass is run
 * once: the log is read end to end, there is no warm-up pass.
 */
public final class LogCatchUp {
  public static final int PAGE = 1_000;
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  /**
   * @param events events seen; equal to the log's length for a complete pass
   * @param pages read calls (paged read) or 0 (subscription)
   */
  public record Pass(long events, long pages, long elapsedNanos) {
    public double eventsPerSecond() {
      return events / (elapsedNanos / 1e9);
    }
  }

  public record Result(long logLength, Pass read, Pass subscription) {}

  private LogCatchUp() {}

  public static Result measure(FactumStore store, Progress progress) throws InterruptedException {
    long length = store.headPosition() + 1;
    Pass read = readAll(store);
    progress.say("log catch-up, paged reads: %s events/s", Fmt.rate(read.eventsPerSecond()));
    Pass subscription = subscribe(store);
    progress.say(
        "log catch-up, subscription: %s events/s", Fmt.rate(subscription.eventsPerSecond()));
    return new Result(length, read, subscription);
  }

  public static Pass readAll(EventStore store) {
    long started = System.nanoTime();
    long from = 0;
    long events = 0;
    long pages = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, PAGE, LogFilter.none());
      pages++;
      for (RecordedEvent event : page.events()) {
        if (event.position() != events) {
          throw new IllegalStateException(
              "the log read returned position "
                  + event.position()
                  + " where "
                  + events
                  + " was due");
        }
        events++;
      }
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    return new Pass(events, pages, System.nanoTime() - started);
  }

  public static Pass subscribe(FactumStore store) throws InterruptedException {
    CatchUpListener listener = new CatchUpListener();
    long started = System.nanoTime();
    try (Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), listener)) {
      if (!listener.done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the subscription had not caught up after "
                + TIMEOUT
                + " ("
                + subscription.nextPosition()
                + " events delivered)");
      }
    }
    if (listener.failure != null) {
      throw new IllegalStateException(
          "the subscription ended before catching up: " + listener.failure, listener.failure);
    }
    return new Pass(listener.eventsAtCatchUp, 0, listener.caughtUpAt - started);
  }

  /**
   * Counts deliveries on the subscription's thread; the latch publishes the figures it wrote before
   * counting down to the thread that awaits it.
   */
  private static final class CatchUpListener implements SubscriptionListener {
    final CountDownLatch done = new CountDownLatch(1);
    private long delivered;
    long eventsAtCatchUp = -1;
    long caughtUpAt;
    Throwable failure;

    @Override
    public void onEvent(RecordedEvent event) {
      if (event.position() != delivered) {
        throw new IllegalStateException(
            "the subscription delivered position "
                + event.position()
                + " where "
                + delivered
                + " was due");
      }
      delivered++;
    }

    @Override
    public void onCaughtUp() {
      if (done.getCount() > 0) {
        caughtUpAt = System.nanoTime();
        eventsAtCatchUp = delivered;
        done.countDown();
      }
    }

    @Override
    public void onClose(Throwable cause) {
      if (cause != null && done.getCount() > 0) {
        failure = cause;
        done.countDown();
      }
    }
  }
}
