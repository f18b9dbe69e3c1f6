package dev.factum.api;

import java.io.Serial;

/** A conditional write found a store record at another version than it expected. */
public final class RecordConflictException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public RecordConflictException(String message) {
    super(ErrorCode.RECORD_CONFLICT, message);
  }

  public RecordConflictException(String message, Throwable cause) {
    super(ErrorCode.RECORD_CONFLICT, message, cause);
  }

  public RecordConflictException(String namespace, String key, long expected, long actual) {
    this(
        "record "
            + namespace
            + "/"
            + key
            + " is at version "
            + actual
            + ", not at the expected "
            + expected
            + " (0 means absent)");
  }
}
