package dev.factum.client;

import dev.factum.api.InvalidArgumentException;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently the client retries a request that failed in a way that is safe to
 * retry: bounded exponential backoff with jitter.
 *
 * <p>The pause before retry {@code n} (1 for the first) is drawn uniformly from {@code [b/2, b]},
 * where {@code b = min(maxBackoff, initialBackoff * 2^(n-1))}: it grows, it is bounded, and clients
 * that failed together do not retry together. When the server sent {@code Retry-After}, the pause
 * is at least that long (honoured up to {@link #MAX_RETRY_AFTER}).
 *
 * @param maxAttempts attempts in all, the first included (1: never retry)
 * @param initialBackoff the pause before the first retry (before jitter)
 * @param maxBackoff the longest pause the backoff grows to (before {@code Retry-After})
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /** A server's {@code Retry-After} is honoured up to this long; beyond it is taken as this. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Five attempts, pauses from 50 ms growing to 2 s: rides out a restart or a burst. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(2));

  /** One attempt: every failure goes straight to the caller. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new InvalidArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new InvalidArgumentException("initialBackoff must be positive");
    }
    if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidArgumentException("maxBackoff must be at least initialBackoff");
    }
  }

  /**
   * Retries without limit (until closed), with pauses growing from {@code initial} to {@code max}.
   */
  public static RetryPolicy forever(Duration initial, Duration max) {
    return new RetryPolicy(Integer.MAX_VALUE, initial, max);
  }

  /**
   * The pause before retry number {@code retry} (1 for the first retry).
   *
   * @param retryAfter what the server asked for, or null
   */
  public Duration backoff(int retry, Duration retryAfter, RandomGenerator random) {
    long max = maxBackoff.toNanos();
    long base = initialBackoff.toNanos();
    for (int i = 1; i < retry && base < max; i++) {
      base = base > max / 2 ? max : base * 2;
    }
    base = Math.min(base, max);
    long half = base / 2;
    long pause = half + random.nextLong(base - half + 1);
    if (retryAfter != null && !retryAfter.isNegative()) {
      long asked = Math.min(retryAfter.toNanos(), MAX_RETRY_AFTER.toNanos());
      pause = Math.max(pause, asked);
    }
    return Duration.ofNanos(pause);
  }
}
