package dev.factum.api;

import java.io.Serial;

/**
 * The disk is full. The store stops, since the failed batch may already be in the log: free space,
 * reopen the store, and retry with the same event ids (an exact retry is recognised).
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
