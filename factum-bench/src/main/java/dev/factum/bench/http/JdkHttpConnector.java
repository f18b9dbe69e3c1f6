package dev.factum.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;

/**
 * Connections through the JDK's {@code java.net.http.HttpClient}, pinned to HTTP/1.1. One client is
 * shared by every load thread: its pool keeps one keep-alive connection per concurrent request, so
 * N threads end up on N connections, each request a blocking {@code send} on the calling thread.
 */
final class JdkHttpConnector implements HttpClientKind.Connector {
  private final URI base;
  private final HttpClient client;
  private final String authorization;

  /** With a non-null {@code apiKey}, every request carries {@code Authorization: Bearer}. */
  JdkHttpConnector(URI base, SSLContext tls, String apiKey) {
    this.base = base;
    this.authorization = apiKey == null ? null : "Bearer " + apiKey;
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.client = builder.build();
  }

  @Override
  public HttpConnection connect() {
    return new HttpConnection() {
      @Override
      public HttpReply send(String method, String target, byte[] jsonBody) throws IOException {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(base.resolve(target)));
        if (jsonBody == null) {
          request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
          request
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofByteArray(jsonBody));
        }
        HttpResponse<byte[]> response =
            call(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new HttpReply(response.statusCode(), response.body());
      }

      @Override
      public InputStream openEventStream(String target) throws IOException {
        HttpRequest request =
            authorized(HttpRequest.newBuilder(base.resolve(target)))
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<InputStream> response =
            call(request, HttpResponse.BodyHandlers.ofInputStream());
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
          response.body().close();
          throw new IllegalStateException(
              "GET " + target + " answered " + response.statusCode() + " " + type);
        }
        return response.body();
      }

      @Override
      public void close() {
        // the shared client owns the sockets
      }
    };
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return client.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + request.uri(), e);
    }
  }

  @Override
  public void close() {
    client.shutdownNow();
    client.close();
  }
}
