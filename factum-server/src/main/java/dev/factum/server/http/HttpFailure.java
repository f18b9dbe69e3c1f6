package dev.factum.server.http;

import java.io.IOException;

/**
 * A request the connection cannot hand to a handler (a malformed or oversized head, framing it does
 * not support): answered with {@link #status} and the connection closed, as the JDK server does,
 * since the bytes that follow can no longer be framed.
 */
final class HttpFailure extends IOException {
  private static final long serialVersionUID = 1L;

  final int status;

  HttpFailure(int status, String message) {
    super(message);
    this.status = status;
  }
}
