package dev.factum.api;

import java.io.Serial;

/**
 * The disk is full. Nothing of the failed request was written; the store works again once space is
 * freed.
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
