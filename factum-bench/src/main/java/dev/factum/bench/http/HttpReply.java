package dev.factum.bench.http;

import java.nio.charset.StandardCharsets;

/** A complete HTTP response as the load generator sees it: the status and the whole body. */
public record HttpReply(int status, byte[] body) {

  /** Fails with the status and the start of the body unless the status is {@code expected}. */
  public HttpReply expect(int expected, String what) {
    if (status != expected) {
      String text = new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8);
      throw new IllegalStateException(what + " answered " + status + ": " + text);
    }
    return this;
  }
}
