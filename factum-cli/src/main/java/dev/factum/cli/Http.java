package dev.factum.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StreamNames;
import dev.factum.wire.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;

/**
 * The commands' view of a running server: JSON requests over java.net.http, with problem documents
 * turned into a {@link Factum.CommandFailure} that prints the server's code and detail. An {@code
 * https://} server is trusted through the JDK's CAs, or those of {@code --cacert PEM}; the host
 * name is checked either way.
 */
final class Http {
  /** Numbers stay exact (no double round trip), so export and import never change event data. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  private final URI base;
  private final HttpClient client;
  private final String authorization;

  Http(Args args) {
    String url =
        args.get("url", System.getenv().getOrDefault("FACTUM_URL", "http://127.0.0.1:7117"));
    try {
      URI parsed = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (parsed.getScheme() == null || parsed.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      this.base = parsed;
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--url must be like http://127.0.0.1:7117, was '" + url + "'");
    }
    String key = args.get("api-key", System.getenv("FACTUM_API_KEY"));
    if (key != null && (key.isBlank() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7F))) {
      throw new Args.UsageException("--api-key must be printable ASCII without spaces");
    }
    this.authorization = key == null ? null : "Bearer " + key;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    String cacert = args.get("cacert", System.getenv("FACTUM_CACERT"));
    if ("http".equalsIgnoreCase(base.getScheme())) {
      builder.sslContext(plainHttpOnly());
    } else if (cacert != null && !cacert.isBlank()) {
      try {
        builder.sslContext(Pem.trustContext(Path.of(cacert)));
      } catch (InvalidArgumentException e) {
        throw new Args.UsageException("--cacert: " + e.getMessage());
      }
    }
    this.client = builder.build();
  }

  /**
   * Start-up time: without a context of its own, HttpClient builds the default TLS context, which
   * parses the JDK's whole CA store (about a third of a second of a CLI command's run). A plain
   * {@code http://} server never needs it, so such a client gets a context that trusts nothing.
   */
  private static SSLContext plainHttpOnly() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[0], new TrustManager[0], null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context", e);
    }
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return send(request(path).GET().build());
  }

  JsonNode delete(String path) throws IOException, InterruptedException {
    return send(request(path).DELETE().build());
  }

  /** The body of a successful GET as the server sent it, bytes untouched. */
  byte[] getBytes(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        call(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() >= 400) {
      throw failure(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
    }
    return response.body();
  }

  JsonNode post(String path, byte[] json) throws IOException, InterruptedException {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build());
  }

  /** Opens a Server-Sent Events stream; the caller reads and closes it. */
  InputStream stream(String path) throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        call(
            request(path).header("Accept", "text/event-stream").GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      try (InputStream body = response.body()) {
        throw failure(
            response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return response.body();
  }

  URI uri(String path) {
    return URI.create(base + path);
  }

  /** A request to {@code path}, carrying the API key when one is given. */
  HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request;
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = call(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw failure(response.statusCode(), response.body());
    }
    return JSON.readTree(response.body());
  }

  private <T> HttpResponse<T> call(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    try {
      return client.send(request, handler);
    } catch (ConnectException e) {
      throw new Factum.CommandFailure(
          "cannot reach a Factum server at " + base + " (is 'factum serve' running? set --url)");
    } catch (SSLHandshakeException e) {
      throw new Factum.CommandFailure(
          "TLS handshake with "
              + base
              + " failed: "
              + e.getMessage()
              + " (is the server's CA given with --cacert, and does its certificate name this"
              + " host?)");
    }
  }

  private static Factum.CommandFailure failure(int status, String body) {
    try {
      JsonNode problem = JSON.readTree(body);
      if (problem != null && problem.has("code")) {
        return new Factum.CommandFailure(
            problem.get("code").asText() + " (" + status + "): " + problem.path("detail").asText());
      }
    } catch (IOException notJson) {
      // fall through to the raw status
    }
    return new Factum.CommandFailure("the server answered " + status);
  }

  static String segment(String value) {
    return StreamNames.urlEncode(value);
  }
}
