package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StoreClosedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLHandshakeException;

/**
 * One HTTP exchange with the server, and the translation of everything that can go wrong with it
 * into a {@link FactumException}: a 2xx JSON body comes back parsed; an error response becomes the
 * store's exception (via {@link ProblemMapper}); a transport failure becomes {@link
 * RequestNotSentException} when the request certainly never left (no connection) and {@link
 * OutcomeUnknownException} otherwise.
 *
 * <p>What must stay true: a failure is only ever called "not sent" when no byte of the request can
 * have reached the server; when in doubt it is "outcome unknown", which only idempotent calls
 * retry.
 */
final class HttpTransport {
  private final HttpClient http;
  private final String base;
  private final Duration requestTimeout;
  private final BooleanSupplier closed;
  private final String authorization;

  HttpTransport(
      HttpClient http,
      URI baseUri,
      Duration requestTimeout,
      BooleanSupplier closed,
      String apiKey) {
    this.http = http;
    this.authorization = apiKey == null ? null : "Bearer " + apiKey;
    String text = baseUri.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.requestTimeout = requestTimeout;
    this.closed = closed;
  }

  HttpClient http() {
    return http;
  }

  URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  /** A request to {@code pathAndQuery}, carrying the API key when the client has one. */
  HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request;
  }

  /**
   * Sends one request; the future completes with the parsed JSON body of a 2xx answer, or fails
   * with the exception it maps to.
   *
   * @param stream the stream the request is about (for error mapping), or null
   */
  CompletableFuture<JsonNode> send(String method, String pathAndQuery, byte[] body, String stream) {
    return exchange(method, pathAndQuery, body, stream, HttpTransport::parsed);
  }

  /**
   * Sends one request; the future completes with the body of a 2xx answer exactly as the server
   * sent it (not parsed), or fails as {@link #send} does.
   */
  CompletableFuture<byte[]> sendForBytes(
      String method, String pathAndQuery, byte[] body, String stream) {
    return exchange(method, pathAndQuery, body, stream, (status, bytes) -> bytes);
  }

  /** What a 2xx answer's status and body become. */
  @FunctionalInterface
  private interface Success<T> {
    T of(int status, byte[] body);
  }

  private <T> CompletableFuture<T> exchange(
      String method, String pathAndQuery, byte[] body, String stream, Success<T> success) {
    if (closed.getAsBoolean()) {
      return CompletableFuture.failedFuture(new StoreClosedException("the client is closed"));
    }
    HttpRequest.Builder request =
        request(pathAndQuery).timeout(requestTimeout).header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    }
    CompletableFuture<HttpResponse<byte[]>> pending;
    try {
      pending = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(transportFailure(method, pathAndQuery, e));
    }
    return pending.handle(
        (response, error) -> {
          if (error != null) {
            throw transportFailure(method, pathAndQuery, Retrier.unwrap(error));
          }
          int status = response.statusCode();
          if (status >= 200 && status < 300) {
            return success.of(status, response.body());
          }
          throw failure(response, stream);
        });
  }

  private static JsonNode parsed(int status, byte[] body) {
    if (status == 204) {
      return NullNode.getInstance(); // done, nothing to say (consumer group acks, deletes)
    }
    try {
      return WireCodec.parse(body);
    } catch (UncheckedIOException e) {
      throw new UnexpectedResponseException(
          status, "the server's " + status + " answer is not JSON", e.getCause());
    }
  }

  private static FactumException failure(HttpResponse<byte[]> response, String stream) {
    int status = response.statusCode();
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    return ProblemMapper.fromResponse(
        status,
        contentType,
        response.body(),
        response.headers().firstValue("Retry-After").orElse(null),
        stream);
  }

  /** The client exception for a failure of the exchange itself (no usable response). */
  static FactumException transportFailure(String method, String path, Throwable failure) {
    if (failure instanceof FactumException known) {
      return known;
    }
    String what = method + " " + path;
    if (untrusted(failure)) {
      return new UntrustedServerException(
          what
              + " was not sent: the server's TLS certificate is not trusted ("
              + failure.getMessage()
              + "); trust its CA with FactumClient.Builder.trustCertificates",
          failure);
    }
    if (notSent(failure)) {
      return new RequestNotSentException(
          what + " was not sent: the server could not be reached (" + failure + ")", failure);
    }
    if (failure instanceof InterruptedException || failure instanceof IOException) {
      return new OutcomeUnknownException(
          what + " got no answer (" + failure + "); it may or may not have been applied", failure);
    }
    if (failure instanceof IllegalArgumentException bad) {
      return new InvalidArgumentException(what + ": " + bad.getMessage(), bad);
    }
    return new OutcomeUnknownException(
        what + " failed in the client (" + failure + "); it may or may not have been applied",
        failure);
  }

  /** A handshake that failed on the server's certificate (trust, host name, validity). */
  private static boolean untrusted(Throwable failure) {
    boolean handshake = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      handshake |= t instanceof SSLHandshakeException;
      if (handshake && t instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Only a failure to open the connection proves that nothing was sent; a failed TLS handshake is
   * one (HTTP/1.1 sends nothing before the handshake completes).
   */
  private static boolean notSent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof SSLHandshakeException
          || t instanceof HttpConnectTimeoutException
          || t instanceof UnknownHostException
          || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }
}
