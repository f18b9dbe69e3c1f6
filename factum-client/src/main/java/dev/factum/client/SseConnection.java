package dev.factum.client;

import dev.factum.api.FactumException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One open {@code text/event-stream} response, read chunk by chunk by the subscription's thread.
 *
 * <p>Design note: the body is consumed as a {@link Flow.Subscriber} with a demand of one chunk at a
 * time, requested again only after the reader has handled the previous one. So a slow listener
 * stops the reads, TCP pushes back, and the server's subscription pauses: nothing piles up in the
 * client. Reading from a queue (rather than a blocking {@code InputStream}) gives the reader a
 * timeout, which is how a connection that went silent (no events, no heartbeats) is detected, and
 * lets {@link #cancel} wake the reader from any thread without interrupting it (an interrupt could
 * land in the listener's own code).
 */
final class SseConnection implements Flow.Subscriber<List<ByteBuffer>> {
  /** The body ended normally (the server closed the stream). */
  static final Object END = new Object();

  /** The connection was cancelled by the client. */
  static final Object CANCELLED = new Object();

  /** The body failed (a broken connection). */
  record Failed(Throwable cause) {}

  private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse.ResponseInfo> headers = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  private volatile boolean cancelled;
  private volatile CompletableFuture<HttpResponse<byte[]>> exchange;

  /**
   * Sends the request and waits for the response headers. Returns normally only for a 200 event
   * stream; anything else throws the exception it maps to.
   *
   * @param stream the subscribed stream, or null (for error mapping)
   */
  void open(HttpClient http, HttpRequest request, Duration headerTimeout, String stream) {
    HttpResponse.BodyHandler<byte[]> handler =
        info -> {
          headers.complete(info);
          return info.statusCode() == 200
              ? HttpResponse.BodySubscribers.fromSubscriber(this, self -> (byte[]) null)
              : HttpResponse.BodySubscribers.ofByteArray();
        };
    String path = request.uri().getRawPath();
    String what = "GET " + path;
    try {
      exchange = http.sendAsync(request, handler);
    } catch (RuntimeException e) {
      throw HttpTransport.transportFailure("GET", path, e);
    }
    // The callback only completes futures the caller holds; nothing to observe here.
    var unused =
        exchange.whenComplete(
            (response, error) -> {
              if (error != null) {
                headers.completeExceptionally(error);
              }
            });
    HttpResponse.ResponseInfo info = await(headers, headerTimeout, path);
    if (info.statusCode() == 200) {
      String type = info.headers().firstValue("Content-Type").orElse("");
      if (!type.startsWith("text/event-stream")) {
        cancel();
        throw new UnexpectedResponseException(
            200, what + " answered '" + type + "', not an event stream", null);
      }
      return;
    }
    HttpResponse<byte[]> response = await(exchange, headerTimeout, path);
    throw ProblemMapper.fromResponse(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.body(),
        response.headers().firstValue("Retry-After").orElse(null),
        stream);
  }

  private <T> T await(CompletableFuture<T> future, Duration timeout, String path) {
    String what = "GET " + path;
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      cancel();
      throw new OutcomeUnknownException(what + " got no answer within " + timeout, e);
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException(what + " was interrupted", e);
    } catch (CancellationException e) {
      throw new OutcomeUnknownException(what + " was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = Retrier.unwrap(e);
      if (cause instanceof FactumException known) {
        throw known;
      }
      if (cancelled) {
        throw new OutcomeUnknownException(what + " was cancelled", cause);
      }
      throw HttpTransport.transportFailure("GET", path, cause);
    }
  }

  /**
   * The next chunk ({@code byte[]}), {@link #END}, {@link #CANCELLED} or {@link Failed}; null when
   * nothing arrived within {@code idle}.
   */
  Object next(Duration idle) throws InterruptedException {
    return chunks.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Asks for the next chunk, once the previous one has been handled. */
  void more() {
    Flow.Subscription current = subscription;
    if (current != null && !cancelled) {
      current.request(1);
    }
  }

  /** Closes the connection from any thread and wakes its reader. Idempotent. */
  void cancel() {
    cancelled = true;
    Flow.Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
    CompletableFuture<HttpResponse<byte[]>> pending = exchange;
    if (pending != null) {
      pending.cancel(true);
    }
    headers.cancel(true);
    chunks.offer(CANCELLED);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (cancelled) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    int size = 0;
    for (ByteBuffer buffer : buffers) {
      size += buffer.remaining();
    }
    byte[] chunk = new byte[size];
    int at = 0;
    for (ByteBuffer buffer : buffers) {
      int n = buffer.remaining();
      buffer.get(chunk, at, n);
      at += n;
    }
    chunks.offer(chunk);
  }

  @Override
  public void onError(Throwable error) {
    chunks.offer(new Failed(error));
  }

  @Override
  public void onComplete() {
    chunks.offer(END);
  }
}
