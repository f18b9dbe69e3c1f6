package dev.factum.api.groups;

import java.time.Duration;

/**
 * How a consumer group hands out work and handles failure.
 *
 * @param maxInFlight events one consumer may hold un-acked at once (1 to 10,000)
 * @param ackTimeout how long a delivery may stay un-acked before it counts as a failed attempt and
 *     is handed out again, possibly to another consumer (1 ms to 1 hour)
 * @param maxRetries attempts after the first before the event is parked (0 to 1,000): a nack or a
 *     timeout of attempt {@code maxRetries + 1} parks it
 * @param retryBackoff wait before a nacked or timed-out event is handed out again, times the
 *     attempt number (0 to 1 hour)
 */
public record GroupSettings(
    int maxInFlight, Duration ackTimeout, int maxRetries, Duration retryBackoff) {

  public static final GroupSettings DEFAULT =
      new GroupSettings(100, Duration.ofSeconds(30), 5, Duration.ofSeconds(1));

  public GroupSettings withMaxInFlight(int value) {
    return new GroupSettings(value, ackTimeout, maxRetries, retryBackoff);
  }

  public GroupSettings withAckTimeout(Duration value) {
    return new GroupSettings(maxInFlight, value, maxRetries, retryBackoff);
  }

  public GroupSettings withRetries(int retries, Duration backoff) {
    return new GroupSettings(maxInFlight, ackTimeout, retries, backoff);
  }
}
