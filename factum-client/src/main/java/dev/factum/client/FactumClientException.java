package dev.factum.client;

import dev.factum.api.ErrorCode;
import dev.factum.api.FactumException;
import java.io.Serial;

/**
 * A failure the client met on its own side of the wire, as opposed to an error the store reported:
 * the server could not be reached, the connection broke before an answer came, or the answer was
 * not one this client understands.
 *
 * <p>Design note: a remote call can fail in ways an embedded call cannot, and the one thing a
 * caller must know to react safely is whether the request may have taken effect. Each subclass
 * answers that with {@link #mayHaveBeenApplied()}; the {@link #code()} is the closest store code
 * ({@link ErrorCode#STORE_CLOSED} for "not reached, nothing written", {@link
 * ErrorCode#STORAGE_FAILURE} for "outcome unknown"), so code that switches on codes keeps working.
 */
public abstract sealed class FactumClientException extends FactumException
    permits RequestNotSentException,
        OutcomeUnknownException,
        UnexpectedResponseException,
        UntrustedServerException {
  @Serial private static final long serialVersionUID = 1L;

  FactumClientException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }

  /**
   * Whether the request may have been applied by the store. False means it certainly was not (it
   * never reached the server, or the server refused it); true means the outcome is unknown. An
   * append whose outcome is unknown is safe to resend with the same event ids.
   */
  public abstract boolean mayHaveBeenApplied();
}
