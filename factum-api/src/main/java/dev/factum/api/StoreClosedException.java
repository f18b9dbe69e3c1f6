package dev.factum.api;

import java.io.Serial;

/** The store is closed, or stopped itself after a fatal storage failure (see the cause). */
public final class StoreClosedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public StoreClosedException(String message) {
    super(ErrorCode.STORE_CLOSED, message);
  }

  public StoreClosedException(String message, Throwable cause) {
    super(ErrorCode.STORE_CLOSED, message, cause);
  }
}
