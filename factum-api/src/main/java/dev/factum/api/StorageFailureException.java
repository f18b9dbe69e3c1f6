package dev.factum.api;

import java.io.Serial;

/**
 * The storage failed and the outcome of in-flight writes is unknown (retry with the same event
 * ids). On a local storage (RocksDB) the store then stops itself (fail-stop) and reopening
 * recovers; on a shared storage (PostgreSQL) only the failed batch is affected. A full disk is
 * {@link StorageFullException} instead, which does not stop the store.
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
