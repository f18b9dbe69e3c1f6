package dev.factum.api;

import java.io.Serial;

/**
 * An event names a data subject (or {@code forget} was called) on a store opened without a master
 * key; nothing was written.
 */
public final class EncryptionUnavailableException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public EncryptionUnavailableException(String message) {
    super(ErrorCode.ENCRYPTION_UNAVAILABLE, message);
  }

  public EncryptionUnavailableException(String message, Throwable cause) {
    super(ErrorCode.ENCRYPTION_UNAVAILABLE, message, cause);
  }
}
