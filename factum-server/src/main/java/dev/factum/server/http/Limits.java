package dev.factum.server.http;

import java.time.Duration;

/**
 * What one connection may cost: the size of a request head, the time a client may take, and the
 * bounded work done for a body a handler left unread. The defaults are the JDK server's where it
 * has one (380 KiB and 200 header fields, 30 s idle, 64 KiB drained).
 *
 * @param maxHeadBytes the most bytes of a request line and header fields together (beyond: 431)
 * @param maxHeaderFields the most header fields (beyond: 431)
 * @param idle how long a keep-alive connection may wait for its next request
 * @param headTimeout how long a request head may take once its first byte arrived
 * @param readTimeout how long one read of a body, or a TLS handshake, may block
 * @param drainBytes how much of a body left unread is read and discarded to keep the connection
 * @param maxConnections the most open connections (0: no limit); one more is closed at once
 */
public record Limits(
    int maxHeadBytes,
    int maxHeaderFields,
    Duration idle,
    Duration headTimeout,
    Duration readTimeout,
    long drainBytes,
    int maxConnections) {

  public static final Limits DEFAULT =
      new Limits(
          380 * 1024,
          200,
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30),
          64 * 1024,
          0);

  public Limits {
    if (maxHeadBytes < 1024 || maxHeaderFields < 1 || drainBytes < 0 || maxConnections < 0) {
      throw new IllegalArgumentException("HTTP limits out of range");
    }
    if (idle.isNegative() || headTimeout.isNegative() || readTimeout.isNegative()) {
      throw new IllegalArgumentException("HTTP timeouts must not be negative");
    }
  }

  /** The same limits with other timeouts (tests use short ones). */
  public Limits withTimeouts(Duration newIdle, Duration newHead, Duration newRead) {
    return new Limits(
        maxHeadBytes, maxHeaderFields, newIdle, newHead, newRead, drainBytes, maxConnections);
  }
}
