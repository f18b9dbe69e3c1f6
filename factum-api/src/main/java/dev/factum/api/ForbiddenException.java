package dev.factum.api;

import java.io.Serial;

/** The caller's role or stream scopes do not allow the operation. Nothing was written. */
public final class ForbiddenException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public ForbiddenException(String message) {
    super(ErrorCode.FORBIDDEN, message);
  }

  public ForbiddenException(String message, Throwable cause) {
    super(ErrorCode.FORBIDDEN, message, cause);
  }
}
