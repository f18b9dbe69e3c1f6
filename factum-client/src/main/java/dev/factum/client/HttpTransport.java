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
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
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
 * <p>Design note: requests and answers go over the client's own HTTP/1.1 connections ({@link
 * ConnectionPool}, {@link Http1Connection}), on the calling thread: measured against {@code
 * java.net.http} (docs/BENCHMARKS.md, "Which client"), that client's selector and worker threads
 * and its per-request objects cost more CPU than the server's whole exchange. The long-lived event
 * streams of subscriptions go over connections of their own, opened for them and never pooled
 * ({@link #openEventStream}).
 *
 * <p>What must stay true: a failure is only ever called "not sent" when no byte of the request can
 * have reached the server; when in doubt it is "outcome unknown", which only idempotent calls retry
 * ({@link Retrier}). The transport itself never sends a request twice: a connection the server
 * closed while it was idle is found out before it is used ({@link ConnectionPool#acquire}), so it
 * does not turn a request into an unknown outcome.
 */
final class HttpTransport {
  private static final byte[] ACCEPT_JSON =
      "Accept: application/json\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ConnectionPool pool;
  private final String basePath;
  private final byte[] fixedHeaders;
  private final Duration requestTimeout;
  private final BooleanSupplier closed;
  private final String authorization;

  HttpTransport(
      ConnectionPool pool,
      URI baseUri,
      Duration requestTimeout,
      BooleanSupplier closed,
      String apiKey) {
    this.pool = pool;
    this.authorization = apiKey == null ? null : "Bearer " + apiKey;
    String path = baseUri.getRawPath() == null ? "" : baseUri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    StringBuilder headers = new StringBuilder();
    headers.append("Host: ").append(baseUri.getHost());
    if (baseUri.getPort() >= 0) {
      headers.append(':').append(baseUri.getPort());
    }
    headers.append("\r\n");
    headers.append("User-Agent: factum-client\r\n");
    if (authorization != null) {
      headers.append("Authorization: ").append(authorization).append("\r\n");
    }
    this.fixedHeaders = headers.toString().getBytes(StandardCharsets.ISO_8859_1);
    this.requestTimeout = requestTimeout;
    this.closed = closed;
  }

  /**
   * Opens an event stream ({@code GET pathAndQuery}, {@code Accept: text/event-stream}) on a new
   * connection of its own and reads the response head within {@code headerTimeout}. Returns the
   * connection, its body not yet read ({@link Http1Connection#streamed}), only for a 200 event
   * stream; anything else closes it and throws the exception it maps to.
   *
   * @param lastEventId the position to resume after ({@code Last-Event-ID}), or -1
   * @param stream the subscribed stream, or null (for error mapping)
   */
  Http1Connection openEventStream(
      String pathAndQuery, long lastEventId, Duration headerTimeout, String stream) {
    if (closed.getAsBoolean()) {
      throw new StoreClosedException("the client is closed");
    }
    String accept =
        "Accept: text/event-stream\r\n"
            + (lastEventId >= 0 ? "Last-Event-ID: " + lastEventId + "\r\n" : "");
    byte[] head = head("GET", pathAndQuery, accept.getBytes(StandardCharsets.US_ASCII));
    long deadline = System.nanoTime() + headerTimeout.toNanos();
    Http1Connection connection;
    try {
      connection = pool.openForStream();
    } catch (IOException e) {
      if (closed.getAsBoolean()) {
        throw new StoreClosedException("the client is closed");
      }
      throw notSent("GET", pathAndQuery, e);
    }
    Http1Connection.Response response;
    try {
      response = connection.openStream(head, deadline);
    } catch (Http1Connection.Failure failure) {
      throw outcomeUnknown("GET", pathAndQuery, failure);
    }
    if (response.status() == 200) {
      if (!response.contentType().startsWith("text/event-stream")) {
        connection.close();
        throw new UnexpectedResponseException(
            200,
            "GET "
                + pathAndQuery
                + " answered '"
                + response.contentType()
                + "', not an event stream",
            null);
      }
      return connection;
    }
    connection.close();
    throw ProblemMapper.fromResponse(
        response.status(), response.contentType(), response.body(), response.retryAfter(), stream);
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
    byte[] head = head(method, pathAndQuery, ACCEPT_JSON);
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

  /**
   * The request line, the headers every request carries and {@code tail} (header lines, each ending
   * in CRLF: {@code Accept} and what else this request needs).
   */
  private byte[] head(String method, String pathAndQuery, byte[] tail) {
    String target = basePath + pathAndQuery;
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c <= 0x20 || c >= 0x7F) {
        throw new InvalidArgumentException(
            method + " " + pathAndQuery + ": the path is not percent-encoded");
      }
    }
    byte[] line = (method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] head = new byte[line.length + fixedHeaders.length + tail.length];
    System.arraycopy(line, 0, head, 0, line.length);
    System.arraycopy(fixedHeaders, 0, head, line.length, fixedHeaders.length);
    System.arraycopy(tail, 0, head, line.length + fixedHeaders.length, tail.length);
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
