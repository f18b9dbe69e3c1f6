package dev.factum.api;

import java.io.Serial;

/** An ack, nack or park named an event that is not delivered to that consumer now. */
public final class NotDeliveredException extends FactumException {
  @Serial private static final long serialVersionUID = 1L;

  public NotDeliveredException(String message) {
    super(ErrorCode.NOT_DELIVERED, message);
  }

  public NotDeliveredException(String message, Throwable cause) {
    super(ErrorCode.NOT_DELIVERED, message, cause);
  }
}
