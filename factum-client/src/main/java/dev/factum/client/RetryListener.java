package dev.factum.client;

import dev.factum.api.FactumException;
import java.time.Duration;

/**
 * Told about every retry the client is about to make (for logging and metrics). Called on a client
 * thread before the pause; it must be quick and must not throw (what it throws is ignored).
 */
@FunctionalInterface
public interface RetryListener {
  /** Ignores every retry. */
  RetryListener NONE = (operation, failedAttempt, failure, pause) -> {};

  /**
   * @param operation what is retried, e.g. {@code append to 'order-1'}
   * @param failedAttempt the attempt that just failed (1 for the first)
   * @param failure why it failed
   * @param pause how long the client waits before the next attempt
   */
  void onRetry(String operation, int failedAttempt, FactumException failure, Duration pause);
}
