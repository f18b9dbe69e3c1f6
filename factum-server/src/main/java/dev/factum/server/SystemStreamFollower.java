package dev.factum.server;

import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.FactumStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows one system stream ({@code $keys}, {@code $tenants}) from its first event for as long as
 * it is open, handing every event to its owner: how a registry built from a stream stays current
 * with what other servers over the same store write.
 *
 * <p>What must stay true: {@link #awaitCaughtUp} returns only once every event committed before the
 * follower started has been handed over (or the subscription ended, which it then reports), so a
 * registry that opened answers from the whole stream, never from a prefix of it.
 */
final class SystemStreamFollower implements AutoCloseable {
  private static final long CATCH_UP_SECONDS = 60;

  private final String stream;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Subscription subscription;

  private SystemStreamFollower(FactumStore store, String stream, Consumer<RecordedEvent> apply) {
    this.stream = stream;
    this.subscription =
        store.subscribe(
            new SubscriptionRequest(stream, LogFilter.none(), 0),
            new SubscriptionListener() {
              @Override
              public void onEvent(RecordedEvent event) {
                apply.accept(event);
              }

              @Override
              public void onCaughtUp() {
                caughtUp.countDown();
              }

              @Override
              public void onClose(Throwable cause) {
                caughtUp.countDown();
              }
            });
  }

  /** Starts following {@code stream}, handing each event to {@code apply} on the feed's thread. */
  static SystemStreamFollower start(
      FactumStore store, String stream, Consumer<RecordedEvent> apply) {
    return new SystemStreamFollower(store, stream, apply);
  }

  /**
   * Waits until every event of the stream committed before the start has been handed over; closes
   * the follower and throws {@link StoreClosedException} if that takes over a minute or the thread
   * is interrupted.
   */
  void awaitCaughtUp() {
    try {
      if (!caughtUp.await(CATCH_UP_SECONDS, TimeUnit.SECONDS)) {
        close();
        throw new StoreClosedException(
            "did not catch up with " + stream + " in " + CATCH_UP_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new StoreClosedException("interrupted while reading " + stream);
    }
  }

  @Override
  public void close() {
    subscription.close();
  }
}
