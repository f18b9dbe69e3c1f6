package dev.factum.api;

import java.io.Serial;

/** A consumer group of that name exists already. */
public final class GroupExistsException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public GroupExistsException(String message) {
    super(ErrorCode.GROUP_EXISTS, message);
  }

  public GroupExistsException(String message, Throwable cause) {
    super(ErrorCode.GROUP_EXISTS, message, cause);
  }
}
