package dev.factum.client;

import dev.factum.api.ErrorCode;
import java.io.Serial;

/**
 * The TLS handshake failed because this client does not trust the server's certificate: it is not
 * signed by a trusted CA (give the CA with {@link FactumClient.Builder#trustCertificates}), it does
 * not name the host of the base URI, or it is expired. No request was sent, and none is retried:
 * trying again meets the same certificate. Its code is {@link ErrorCode#STORE_CLOSED}: from here,
 * the store cannot be used.
 *
 * <p>Other handshake failures (the connection dropped during the handshake, a restarting server)
 * are a {@link RequestNotSentException} and retried like a refused connection.
 */
public final class UntrustedServerException extends FactumClientException {
  @Serial private static final long serialVersionUID = 1L;

  public UntrustedServerException(String message, Throwable cause) {
    super(ErrorCode.STORE_CLOSED, message, cause);
  }

  @Override
  public boolean mayHaveBeenApplied() {
    return false;
  }
}
