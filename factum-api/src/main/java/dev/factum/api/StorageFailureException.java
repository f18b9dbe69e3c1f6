package dev.factum.api;

import java.io.Serial;

/**
 * The storage failed and the outcome of in-flight writes is unknown; the store stops itself
 * (fail-stop).
 */
public final class StorageFailureException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public StorageFailureException(String message) {
    super(ErrorCode.STORAGE_FAILURE, message);
  }

  public StorageFailureException(String message, Throwable cause) {
    super(ErrorCode.STORAGE_FAILURE, message, cause);
  }
}
