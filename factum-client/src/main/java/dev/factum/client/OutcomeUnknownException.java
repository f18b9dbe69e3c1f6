package dev.factum.client;

import dev.factum.api.ErrorCode;
import java.io.Serial;

/**
 * The request may have reached the server, but no answer came back: the connection broke after the
 * request was sent, the request timed out, or the waiting thread was interrupted. Its code is
 * {@link ErrorCode#STORAGE_FAILURE}, the store's own "outcome unknown".
 *
 * <p>An append that fails this way may or may not be committed. Resending it with the same event
 * ids is safe: the store recognises an exact retry and returns the original result. {@link
 * FactumClient} does that by itself within its retry policy; this exception means the policy ran
 * out of attempts.
 */
public final class OutcomeUnknownException extends FactumClientException {
  @Serial private static final long serialVersionUID = 1L;

  public OutcomeUnknownException(String message, Throwable cause) {
    super(ErrorCode.STORAGE_FAILURE, message, cause);
  }

  @Override
  public boolean mayHaveBeenApplied() {
    return true;
  }
}
