package dev.factum.server;

import dev.factum.api.RateLimitedException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Per-key request rate limits: one token bucket per key that has a limit, holding up to one
 * second's worth of requests (the burst) and refilled continuously at the key's rate.
 *
 * <p>What must stay true: a key without a limit costs nothing here; a refused request takes no
 * token, so a client that retries after {@code Retry-After} gets through. Buckets are per server
 * (several servers over one database each allow the rate; documented in docs/SECURITY.md).
 */
final class RateLimiter {
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final LongSupplier nanoClock;

  RateLimiter(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** Takes one token for {@code principal}, or throws {@code rate-limited}. */
  void acquire(Principal principal) {
    int rate = principal.ratePerSecond();
    if (rate <= 0) {
      return;
    }
    Bucket bucket = buckets.computeIfAbsent(principal.keyId(), id -> new Bucket(rate, nanoClock));
    if (!bucket.tryTake()) {
      throw new RateLimitedException("the key is over its rate of " + rate + " requests/s");
    }
  }

  private static final class Bucket {
    private final ReentrantLock lock = new ReentrantLock();
    private final int rate;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    Bucket(int rate, LongSupplier clock) {
      this.rate = rate;
      this.clock = clock;
      this.tokens = rate;
      this.last = clock.getAsLong();
    }

    boolean tryTake() {
      lock.lock();
      try {
        long now = clock.getAsLong();
        tokens = Math.min(rate, tokens + (now - last) * (rate / 1e9));
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return true;
        }
        return false;
      } finally {
        lock.unlock();
      }
    }
  }
}
