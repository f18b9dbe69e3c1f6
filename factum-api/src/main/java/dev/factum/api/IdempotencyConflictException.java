package dev.factum.api;

import java.io.Serial;

/** Event ids of an append are already committed, but not as exactly these events of this stream. */
public final class IdempotencyConflictException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public IdempotencyConflictException(String message) {
    super(ErrorCode.IDEMPOTENCY_CONFLICT, message);
  }

  public IdempotencyConflictException(String message, Throwable cause) {
    super(ErrorCode.IDEMPOTENCY_CONFLICT, message, cause);
  }
}
