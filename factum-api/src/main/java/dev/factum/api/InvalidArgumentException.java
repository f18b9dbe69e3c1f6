package dev.factum.api;

import java.io.Serial;

/**
 * The request was malformed; nothing was written. A request that is well formed but over one of the
 * documented {@link Limits} is a {@link LimitExceededException} instead.
 */
public final class InvalidArgumentException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(ErrorCode.INVALID_ARGUMENT, message);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(ErrorCode.INVALID_ARGUMENT, message, cause);
  }
}
