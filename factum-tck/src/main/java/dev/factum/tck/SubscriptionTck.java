package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Subscriptions: catch-up then live, exactly once, in order, bounded, closing cleanly. */
public abstract class SubscriptionTck extends TckSupport {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A small page, so that catch-up takes many reads and the switch to live is exercised. */
  @Override
  protected StoreOptions options() {
    return StoreOptions.DEFAULT.withSubscriptionPageSize(16);
  }

  /** Records what a subscription delivers. */
  protected static class Recorder implements SubscriptionListener {
    final List<RecordedEvent> events = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger caughtUp = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);
    final AtomicReference<Throwable> closeCause = new AtomicReference<>();
    volatile int eventsAtCaughtUp = -1;

    @Override
    public void onEvent(RecordedEvent event) throws Exception {
      events.add(event);
    }

    @Override
    public void onCaughtUp() {
      if (caughtUp.get() == 0) {
        eventsAtCaughtUp = events.size(); // before the count, which is what tests wait on
      }
      caughtUp.incrementAndGet();
    }

    @Override
    public void onClose(Throwable cause) {
      closeCause.set(cause);
      closed.countDown();
    }

    List<RecordedEvent> snapshot() {
      synchronized (events) {
        return new ArrayList<>(events);
      }
    }

    boolean awaitClosed() throws InterruptedException {
      return closed.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private void appendConcurrently(int writers, int appendsEach, String streamPrefix)
      throws Exception {
    Concurrently.run(
        writers,
        writer -> {
          for (int i = 0; i < appendsEach; i++) {
            store.append(streamPrefix + (writer * 7 + i) % 11, any(), events(1 + i % 3));
          }
        });
  }

  @Test
  void aGlobalSubscriptionSeesEveryEventOnceInOrderWhileAppendsRace() throws Exception {
    appendConcurrently(2, 100, "pre-");
    Recorder recorder = new Recorder();
    try (Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      appendConcurrently(4, 150, "live-");
      long total = store.headPosition() + 1;
      Await.until("all events", WAIT, () -> recorder.events.size() >= total);
      assertThat(positions(recorder.snapshot())).isEqualTo(ReadTck.range(0, total));
      assertThat(subscription.nextPosition()).isEqualTo(total);
      assertThat(recorder.snapshot()).isEqualTo(readWholeLog(LogFilter.none()));
    }
    assertThat(recorder.awaitClosed()).isTrue();
    assertThat(recorder.closeCause.get()).isNull();
  }

  @Test
  void aStreamSubscriptionSeesOnlyItsStreamFromTheRequestedRevision() throws Exception {
    store.append("mine-1", any(), events(5));
    Recorder recorder = new Recorder();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toStream("mine-1").from(2), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> noise =
            pool.submit(
                () -> {
                  appendConcurrently(2, 50, "other-");
                  return null;
                });
        for (int i = 0; i < 40; i++) {
          store.append("mine-1", any(), events(2));
        }
        noise.get();
      } finally {
        pool.shutdownNow();
      }
      Await.until("stream events", WAIT, () -> recorder.events.size() >= 83);
      assertThat(revisions(recorder.snapshot())).isEqualTo(ReadTck.range(2, 85));
      assertThat(recorder.snapshot()).allMatch(e -> e.stream().equals("mine-1"));
    }
  }

  @Test
  void aStreamSubscriptionMayStartBeforeTheStreamExists() throws Exception {
    Recorder recorder = new Recorder();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toStream("later-1"), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      Await.until("caught up", WAIT, () -> recorder.caughtUp.get() > 0);
      store.append("later-1", any(), events(3));
      Await.until("3 events", WAIT, () -> recorder.events.size() >= 3);
      assertThat(revisions(recorder.snapshot())).containsExactly(0L, 1L, 2L);
    }
  }

  @Test
  void aCategorySubscriptionSeesEveryStreamOfTheCategory() throws Exception {
    store.append("order-1", any(), events(2));
    store.append("user-1", any(), events(2));
    Recorder recorder = new Recorder();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toCategory("order"), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      appendConcurrently(3, 60, "order-");
      appendConcurrently(1, 30, "user-");
      store.append("order-99", any(), events(1));
      List<RecordedEvent> expected = readWholeLog(LogFilter.categories("order"));
      Await.until("order events", WAIT, () -> recorder.events.size() >= expected.size());
      assertThat(recorder.snapshot()).isEqualTo(expected);
    }
  }

  @Test
  void aFilteredSubscriptionByTypeDeliversOnlyThatType() throws Exception {
    Recorder recorder = new Recorder();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toAll(LogFilter.types("Rare")), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      for (int i = 0; i < 100; i++) {
        store.append("s-" + i % 4, any(), List.of(i % 10 == 0 ? event("Rare", "{}") : event(i)));
      }
      Await.until("10 rare events", WAIT, () -> recorder.events.size() >= 10);
      assertThat(recorder.snapshot()).allMatch(e -> e.type().equals("Rare")).hasSize(10);
    }
  }

  @Test
  void fromEndDeliversOnlyWhatIsAppendedAfterwards() throws Exception {
    store.append("s-1", any(), events(10));
    Recorder recorder = new Recorder();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toAll().fromEnd(), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      Await.until("caught up", WAIT, () -> recorder.caughtUp.get() > 0);
      store.append("s-2", any(), events(2));
      Await.until("2 events", WAIT, () -> recorder.events.size() >= 2);
      assertThat(positions(recorder.snapshot())).containsExactly(10L, 11L);
    }
  }

  @Test
  void caughtUpIsSignalledAfterTheBacklogAndBeforeLiveEvents() throws Exception {
    store.append("s-1", any(), events(40));
    Recorder recorder = new Recorder();
    try (Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      Await.until("caught up", WAIT, () -> recorder.caughtUp.get() > 0);
      assertThat(recorder.eventsAtCaughtUp).isEqualTo(40);
      store.append("s-1", any(), events(1));
      Await.until("live event", WAIT, () -> recorder.events.size() == 41);
    }
  }

  @Test
  void aSlowSubscriberNeitherBlocksWritersNorMissesEvents() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder =
        new Recorder() {
          @Override
          public void onEvent(RecordedEvent event) throws Exception {
            release.await();
            super.onEvent(event);
          }
        };
    try (Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), recorder)) {
      assertThat(subscription.isClosed()).isFalse();
      store.append("s-0", any(), events(1));
      long started = System.nanoTime();
      appendConcurrently(4, 250, "s-");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WAIT);
      assertThat(recorder.events).isEmpty();
      release.countDown();
      long total = store.headPosition() + 1;
      Await.until("all events", WAIT, () -> recorder.events.size() >= total);
      assertThat(positions(recorder.snapshot())).isEqualTo(ReadTck.range(0, total));
    }
  }

  @Test
  void closingStopsDeliveriesAndSaysSo() throws Exception {
    Recorder recorder = new Recorder();
    Subscription subscription = store.subscribe(SubscriptionRequest.toAll(), recorder);
    store.append("s-1", any(), events(3));
    Await.until("3 events", WAIT, () -> recorder.events.size() >= 3);
    subscription.close();
    subscription.close();
    assertThat(recorder.awaitClosed()).isTrue();
    assertThat(recorder.closeCause.get()).isNull();
    assertThat(subscription.isClosed()).isTrue();
    store.append("s-1", any(), events(3));
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events()).hasSize(6);
    assertThat(recorder.events).hasSize(3);
  }

  @Test
  void closingTheStoreEndsSubscriptionsWithStoreClosed() throws Exception {
    Recorder recorder = new Recorder();
    store.subscribe(SubscriptionRequest.toAll(), recorder);
    Await.until("caught up", WAIT, () -> recorder.caughtUp.get() > 0);
    reopen();
    assertThat(recorder.awaitClosed()).isTrue();
    assertThat(recorder.closeCause.get()).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void tombstoningASubscribedStreamEndsItsSubscription() throws Exception {
    store.append("doomed-1", any(), events(2));
    Recorder recorder = new Recorder();
    store.subscribe(SubscriptionRequest.toStream("doomed-1"), recorder);
    Await.until("2 events", WAIT, () -> recorder.events.size() >= 2);
    store.tombstone("doomed-1", any());
    store.append("other-1", any(), events(1)); // moves the head, waking the subscription
    assertThat(recorder.awaitClosed()).isTrue();
    assertThat(recorder.closeCause.get()).isInstanceOf(StreamDeletedException.class);
  }

  @Test
  void aListenerThatThrowsEndsItsSubscriptionWithThatCause() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    Recorder recorder =
        new Recorder() {
          @Override
          public void onEvent(RecordedEvent event) {
            throw boom;
          }
        };
    store.subscribe(SubscriptionRequest.toAll(), recorder);
    store.append("s-1", any(), events(1));
    assertThat(recorder.awaitClosed()).isTrue();
    assertThat(recorder.closeCause.get()).isSameAs(boom);
  }
}
