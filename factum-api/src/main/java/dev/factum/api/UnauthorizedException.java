package dev.factum.api;

import java.io.Serial;

/** No valid API key was presented. Nothing was done. */
public final class UnauthorizedException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public UnauthorizedException(String message) {
    super(ErrorCode.UNAUTHORIZED, message);
  }

  public UnauthorizedException(String message, Throwable cause) {
    super(ErrorCode.UNAUTHORIZED, message, cause);
  }
}
