package dev.factum.bench.http;

import java.net.URI;
import javax.net.ssl.SSLContext;

/**
 * The HTTP client the load generator uses, chosen with {@code --http-client}: the JDK's {@code
 * java.net.http.HttpClient} (HTTP/1.1), or a minimal blocking-socket client written for the
 * benchmark, which spends far less CPU per request (see docs/BENCHMARKS.md for both measured).
 */
public enum HttpClientKind {
  JDK("jdk"),
  RAW("raw");

  /** Makes connections to one server; closing it releases what the connections share. */
  public interface Connector extends AutoCloseable {
    HttpConnection connect();

    @Override
    void close();
  }

  private final String cliName;

  HttpClientKind(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** A connector to the server at {@code base} (e.g. {@code http://127.0.0.1:40123}). */
  public Connector connector(URI base) {
    return connector(base, null);
  }

  /** As above; an {@code https://} base is reached through {@code tls} (null: plain HTTP). */
  public Connector connector(URI base, SSLContext tls) {
    return connector(base, tls, null);
  }

  /**
   * As above; with an API key, every request carries {@code Authorization: Bearer <apiKey>} (null:
   * no header, for a server with auth off).
   */
  public Connector connector(URI base, SSLContext tls, String apiKey) {
    return switch (this) {
      case JDK -> new JdkHttpConnector(base, tls, apiKey);
      case RAW ->
          new Connector() {
            @Override
            public HttpConnection connect() {
              return new RawHttpConnection(
                  base.getHost(),
                  base.getPort(),
                  tls == null ? null : tls.getSocketFactory(),
                  apiKey);
            }

            @Override
            public void close() {}
          };
    };
  }

  public static HttpClientKind byName(String name) {
    for (HttpClientKind kind : values()) {
      if (kind.cliName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("--http-client must be jdk or raw, was '" + name + "'");
  }
}
