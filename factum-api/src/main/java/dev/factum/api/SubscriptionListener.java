package dev.factum.api;

/**
 * Receives a subscription's events. All calls for one subscription come from one thread, in order;
 * the subscription reads its next events only after {@link #onEvent} returns, so a slow listener
 * slows its own subscription and nothing else (it falls behind and catches up from storage).
 */
public interface SubscriptionListener {

  /** One event. Throwing closes the subscription with that exception as the cause. */
  void onEvent(RecordedEvent event) throws Exception;

  /**
   * The events read together in one batch have all been delivered; more may follow at once. A
   * listener that buffers its output (a network feed, say) should flush here rather than after
   * every event.
   */
  default void onBatchDelivered() {}

  /**
   * The subscription has delivered its backlog (everything that existed when it last looked) and
   * now waits for new events. Called once, when the subscription first reaches the head.
   */
  default void onCaughtUp() {}

  /**
   * The subscription ended; no call follows. {@code cause} is null when it was closed by its owner,
   * otherwise why it ended ({@link StoreClosedException} when the store closed, {@link
   * StreamDeletedException} when its stream was tombstoned, or what a listener method threw).
   */
  default void onClose(Throwable cause) {}
}
