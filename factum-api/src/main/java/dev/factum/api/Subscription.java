package dev.factum.api;

/** A running subscription. Closing it is idempotent and stops deliveries promptly. */
public interface Subscription extends AutoCloseable {

  /** Stops the subscription; {@link SubscriptionListener#onClose} follows with a null cause. */
  @Override
  void close();

  boolean isClosed();

  /** The revision (stream) or position (log) of the next event this subscription will deliver. */
  long nextPosition();
}
