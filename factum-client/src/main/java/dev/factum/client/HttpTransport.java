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
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;

/**
 * One HTTP exchange with the server, and the translation of everything that can go wrong with it
 * into a {@link FactumException}: a 2xx JSON body comes back parsed; an error response becomes the
 * store's exception (via {@link ProblemMapper}); a transport failure becomes {@link
 * RequestNotSentException} when the request certainly never left (no connection) and {@link
 * OutcomeUnknownException} otherwise.
 *
 * <p>Design note: requests and answers go over the client's own HTTP/1.1 connections ({@link
 * ConnectionPool}, {@link Http1Connection}), on the calling thread: measured against {@code
 * java.net.http} (docs/BENCHMARKS.md, "Which client"), that client's selector and worker threads
 * and its per-request objects cost more CPU than the server's whole exchange. Only the long-lived
 * event streams of subscriptions still use {@code java.net.http} ({@link #http()}), created on
 * first use.
 *
 * <p>What must stay true: a failure is only ever called "not sent" when no byte of the request can
 * have reached the server; when in doubt it is "outcome unknown", which only idempotent calls retry
 * ({@link Retrier}). The transport itself never sends a request twice: a connection the server
 * closed while it was idle is found out before it is used ({@link ConnectionPool#acquire}), so it
 * does not turn a request into an unknown outcome.
 */
final class HttpTransport {
  private final ConnectionPool pool;
  private final String base;
  private final String basePath;
  private final byte[] fixedHeaders;
  private final Duration requestTimeout;
  private final BooleanSupplier closed;
  private final String authorization;
  private final Supplier<HttpClient> streams;
  private final ReentrantLock streamsLock = new ReentrantLock();
  private HttpClient streamClient;

  /**
   * @param streams makes the {@code java.net.http} client of event streams, on first use
   */
  HttpTransport(
      ConnectionPool pool,
      Supplier<HttpClient> streams,
      URI baseUri,
      Duration requestTimeout,
      BooleanSupplier closed,
      String apiKey) {
    this.pool = pool;
    this.streams = streams;
    this.authorization = apiKey == null ? null : "Bearer " + apiKey;
    String text = baseUri.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    String path = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    StringBuilder headers = new StringBuilder();
    headers.append("Host: ").append(baseUri.getHost());
    if (baseUri.getPort() >= 0) {
      headers.append(':').append(baseUri.getPort());
    }
    headers.append("\r\n");
    headers.append("User-Agent: factum-client\r\nAccept: application/json\r\n");
    if (authorization != null) {
      headers.append("Authorization: ").append(authorization).append("\r\n");
    }
    this.fixedHeaders = headers.toString().getBytes(StandardCharsets.ISO_8859_1);
    this.requestTimeout = requestTimeout;
    this.closed = closed;
  }

  /** The {@code java.net.http} client of event streams, made on first use. */
  HttpClient http() {
    streamsLock.lock();
    try {
      if (streamClient == null) {
        streamClient = streams.get();
      }
      return streamClient;
    } finally {
      streamsLock.unlock();
    }
  }

  /** The event streams' client if one was made, else null (for closing). */
  HttpClient httpIfMade() {
    streamsLock.lock();
    try {
      return streamClient;
    } finally {
      streamsLock.unlock();
    }
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
   * Sends one request on the calling thread; the future it returns is already complete, with the
   * parsed JSON body of a 2xx answer, or failed with the exception it maps to.
   *
   * @param stream the stream the request is about (for error mapping), or null
   */
  CompletableFuture<JsonNode> send(String method, String pathAndQuery, byte[] body, String stream) {
    return exchange(method, pathAndQuery, body, stream, HttpTransport::parsed);
  }

  /**
   * Sends one request as {@link #send} does; the future completes with the body of a 2xx answer
   * exactly as the server sent it (not parsed).
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
    try {
      return CompletableFuture.completedFuture(
          exchangeNow(method, pathAndQuery, body, stream, success));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <T> T exchangeNow(
      String method, String pathAndQuery, byte[] body, String stream, Success<T> success) {
    if (closed.getAsBoolean()) {
      throw new StoreClosedException("the client is closed");
    }
    byte[] head = head(method, pathAndQuery);
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    Http1Connection connection;
    try {
      connection = pool.acquire();
    } catch (IOException e) {
      if (closed.getAsBoolean()) {
        throw new StoreClosedException("the client is closed");
      }
      throw notSent(method, pathAndQuery, e);
    }
    Http1Connection.Response response;
    try {
      response = connection.exchange(method, head, body, deadline);
    } catch (Http1Connection.Failure failure) {
      throw outcomeUnknown(method, pathAndQuery, failure);
    } finally {
      pool.release(connection);
    }
    int status = response.status();
    if (status >= 200 && status < 300) {
      return success.of(status, response.body());
    }
    throw ProblemMapper.fromResponse(
        status, response.contentType(), response.body(), response.retryAfter(), stream);
  }

  /** The request line and the headers every request carries. */
  private byte[] head(String method, String pathAndQuery) {
    String target = basePath + pathAndQuery;
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7F) {
        throw new InvalidArgumentException(
            method + " " + pathAndQuery + ": the path is not percent-encoded");
      }
    }
    byte[] line = (method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] head = new byte[line.length + fixedHeaders.length];
    System.arraycopy(line, 0, head, 0, line.length);
    System.arraycopy(fixedHeaders, 0, head, line.length, fixedHeaders.length);
    return head;
  }

  private static FactumException outcomeUnknown(
      String method, String path, Http1Connection.Failure failure) {
    String what = method + " " + path;
    if (failure.timedOut()) {
      return new OutcomeUnknownException(
          what + " got no answer within the request timeout; it may or may not have been applied",
          failure.getCause());
    }
    return new OutcomeUnknownException(
        what + " got no answer (" + failure.getCause() + "); it may or may not have been applied",
        failure.getCause());
  }

  /** A failure to open the connection: nothing was sent (or the certificate is not trusted). */
  private static FactumException notSent(String method, String path, IOException failure) {
    String what = method + " " + path;
    if (untrusted(failure)) {
      return untrustedServer(what, failure);
    }
    return new RequestNotSentException(
        what + " was not sent: the server could not be reached (" + failure + ")", failure);
  }

  private static UntrustedServerException untrustedServer(String what, Throwable failure) {
    return new UntrustedServerException(
        what
            + " was not sent: the server's TLS certificate is not trusted ("
            + failure.getMessage()
            + "); trust its CA with FactumClient.Builder.trustCertificates",
        failure);
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

  /** The client exception for a failure of the exchange itself (no usable response). */
  static FactumException transportFailure(String method, String path, Throwable failure) {
    if (failure instanceof FactumException known) {
      return known;
    }
    String what = method + " " + path;
    if (untrusted(failure)) {
      return untrustedServer(what, failure);
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
