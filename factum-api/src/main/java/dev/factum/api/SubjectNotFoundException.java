package dev.factum.api;

import java.io.Serial;

/** {@code forget} named a data subject the store holds no key for; nothing changed. */
public final class SubjectNotFoundException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public SubjectNotFoundException(String message) {
    super(ErrorCode.SUBJECT_NOT_FOUND, message);
  }

  public SubjectNotFoundException(String message, Throwable cause) {
    super(ErrorCode.SUBJECT_NOT_FOUND, message, cause);
  }
}
