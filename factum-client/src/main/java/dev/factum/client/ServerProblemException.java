package dev.factum.client;

import java.io.Serial;
import java.time.Duration;
import java.util.Optional;

/**
 * The problem document (RFC 9457) a server answered with. It is never thrown by itself: it is
 * attached as the {@linkplain Throwable#getCause() cause} of the exception the problem maps to, so
 * that callers can see the HTTP status, the wire {@code code} (which distinguishes, say, {@code
 * payload-too-large} from {@code invalid-request}, both an {@link
 * dev.factum.api.InvalidArgumentException}), and the server's {@code Retry-After}.
 */
public final class ServerProblemException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String title;
  private final String detail;
  private final Duration retryAfter;

  ServerProblemException(
      int status, String code, String title, String detail, Duration retryAfter) {
    super(status + " " + code + ": " + detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }

  /** The problem attached to {@code failure} (or to one of its causes), if there is one. */
  public static Optional<ServerProblemException> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ServerProblemException problem) {
        return Optional.of(problem);
      }
    }
    return Optional.empty();
  }

  public int status() {
    return status;
  }

  /** The stable wire code, e.g. {@code wrong-expected-revision} or {@code payload-too-large}. */
  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  /** How long the server asked the client to wait before retrying, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
