package dev.factum.api;

import java.io.Serial;

/**
 * The disk is full. The store does not stop: the append whose commit met the full disk has an
 * unknown outcome (it may already be in the log), and every later append is refused with this
 * exception before anything is written, until space is freed; then the store resumes by itself,
 * with no restart, and publishes the failed append if it did become durable. Retry with the same
 * event ids: an exact retry is recognised and returns the original result.
 */
public final class StorageFullException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public StorageFullException(String message) {
    super(ErrorCode.STORAGE_FULL, message);
  }

  public StorageFullException(String message, Throwable cause) {
    super(ErrorCode.STORAGE_FULL, message, cause);
  }
}
