package dev.factum.client;

import dev.factum.api.ErrorCode;
import java.io.Serial;

/**
 * The server answered with something this client does not understand: a problem code the client
 * does not know or that only the HTTP layer uses for requests this client never makes ({@code
 * not-found}, {@code method-not-allowed}, {@code unsupported-media-type}: usually a wrong base URI
 * or mismatched versions), {@code internal-error}, a body that is not a problem document (a proxy's
 * error page), or a success body that cannot be decoded.
 *
 * <p>A 4xx status means the server refused the request, so nothing was applied (code {@link
 * ErrorCode#INVALID_ARGUMENT}); any other status leaves the outcome unknown (code {@link
 * ErrorCode#STORAGE_FAILURE}).
 */
public final class UnexpectedResponseException extends FactumClientException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;

  public UnexpectedResponseException(int status, String message, Throwable cause) {
    super(
        status >= 400 && status < 500 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.STORAGE_FAILURE,
        message,
        cause);
    this.status = status;
  }

  /** The HTTP status of the response, or 0 when a 2xx response could not be decoded. */
  public int status() {
    return status;
  }

  @Override
  public boolean mayHaveBeenApplied() {
    return status < 400 || status >= 500;
  }
}
