package dev.factum.client;

import dev.factum.api.ErrorCode;
import java.io.Serial;

/**
 * The request never reached the server: the connection was refused, could not be opened in time, or
 * the host could not be resolved. Nothing was applied, so any request may be resent. Its code is
 * {@link ErrorCode#STORE_CLOSED}: from here, the store is unavailable.
 */
public final class RequestNotSentException extends FactumClientException {
  @Serial private static final long serialVersionUID = 1L;

  public RequestNotSentException(String message, Throwable cause) {
    super(ErrorCode.STORE_CLOSED, message, cause);
  }

  @Override
  public boolean mayHaveBeenApplied() {
    return false;
  }
}
