package dev.factum.api;

import java.io.Serial;

/** The write queue is full. Nothing was written; retry after a short pause. */
public final class OverloadedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public OverloadedException(String message) {
    super(ErrorCode.OVERLOADED, message);
  }

  public OverloadedException(String message, Throwable cause) {
    super(ErrorCode.OVERLOADED, message, cause);
  }
}
