package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import java.util.Locale;

/**
 * Which HTTP/1.1 server carries the API. Both run the same handlers through the {@code
 * com.sun.net.httpserver} API and put the same bytes on the wire; they differ in cost per request
 * (docs/BENCHMARKS.md, "Where the time goes over HTTP").
 */
public enum HttpTransport {
  /**
   * Factum's own ({@link dev.factum.server.http.FactumHttpServer}): one virtual thread per
   * connection, the handler on it.
   */
  FACTUM,
  /** The JDK's {@code com.sun.net.httpserver} server: a selector thread and an executor. */
  JDK;

  public static final HttpTransport DEFAULT = FACTUM;

  /** Its name on the command line: {@code factum} or {@code jdk}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The transport named {@code id} ({@code factum} or {@code jdk}). */
  public static HttpTransport byId(String id) {
    for (HttpTransport transport : values()) {
      if (transport.id().equals(id)) {
        return transport;
      }
    }
    throw new InvalidArgumentException("unknown HTTP server '" + id + "': expected factum or jdk");
  }
}
