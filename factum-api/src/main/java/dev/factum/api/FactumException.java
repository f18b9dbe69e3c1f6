package dev.factum.api;

import java.io.Serial;

/**
 * The one exception type of Factum: every failure the store reports carries a stable {@link
 * ErrorCode}. Subclasses exist where a caller wants to catch one case or needs extra data (the
 * actual revision of a conflict, for example).
 */
public class FactumException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public FactumException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public FactumException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The stable code of this failure. */
  public ErrorCode code() {
    return code;
  }
}
