package dev.factum.api;

import java.io.Serial;

/** No consumer group of that name exists. */
public final class GroupNotFoundException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public GroupNotFoundException(String message) {
    super(ErrorCode.GROUP_NOT_FOUND, message);
  }

  public GroupNotFoundException(String message, Throwable cause) {
    super(ErrorCode.GROUP_NOT_FOUND, message, cause);
  }
}
