package dev.factum.api;

import java.io.Serial;

/** The data directory was written by a storage format version this build does not know. */
public final class UnsupportedFormatException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public UnsupportedFormatException(String message) {
    super(ErrorCode.UNSUPPORTED_FORMAT, message);
  }

  public UnsupportedFormatException(String message, Throwable cause) {
    super(ErrorCode.UNSUPPORTED_FORMAT, message, cause);
  }
}
