package dev.factum.api;

import java.io.Serial;

/** The caller's key is over its request rate limit. Nothing was done; retry after a pause. */
public final class RateLimitedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public RateLimitedException(String message) {
    super(ErrorCode.RATE_LIMITED, message);
  }

  public RateLimitedException(String message, Throwable cause) {
    super(ErrorCode.RATE_LIMITED, message, cause);
  }
}
