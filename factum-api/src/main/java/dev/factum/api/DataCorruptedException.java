package dev.factum.api;

import java.io.Serial;

/** Stored data failed its checksum or structural checks. The store refuses to serve it. */
public final class DataCorruptedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public DataCorruptedException(String message) {
    super(ErrorCode.DATA_CORRUPTED, message);
  }

  public DataCorruptedException(String message, Throwable cause) {
    super(ErrorCode.DATA_CORRUPTED, message, cause);
  }
}
