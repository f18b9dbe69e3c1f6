package dev.factum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.ChainHead;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.api.snapshots.Snapshots;
import dev.factum.wire.Pem;
import dev.factum.wire.ScavengeJson;
import dev.factum.wire.StreamMetadataJson;
import dev.factum.wire.Urls;
import dev.factum.wire.WireJson;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;

/**
 * An {@link EventStore} over the Factum v1 HTTP API, so that code written against the embedded
 * store runs unchanged against a server.
 *
 * <p>Design note: the client adds no semantics of its own; it relies on what the server guarantees
 * and only adds what a network needs. Three things follow.
 *
 * <ul>
 *   <li><b>Retries are safe by construction.</b> Before the first attempt, every event without an
 *       id is given a random one, so a resent append is an exact retry, which the store answers
 *       with the original result and without writing again. Transport failures and {@code
 *       overloaded} and {@code rate-limited} (after their {@code Retry-After}) are then retried
 *       under the {@link RetryPolicy}. Deletes are retried only when they certainly did not reach
 *       the server. No 4xx and no {@code store-closed} answer to a call is retried (see {@link
 *       Retrier}).
 *   <li><b>Errors keep their types.</b> Every problem {@code code} maps back to the exception the
 *       embedded store throws for it (table below), with the problem attached as a {@link
 *       ServerProblemException} cause.
 *   <li><b>Subscriptions resume.</b> A subscription reconnects after a dropped connection and
 *       resumes after the last event it delivered, so the listener sees each event once, in order
 *       (see {@link HttpSubscription}). Reconnecting does retry {@code store-closed}, which is what
 *       a restarting server answers.
 * </ul>
 *
 * <h2>Error mapping</h2>
 *
 * <table>
 *   <caption>What each answer of the server becomes</caption>
 *   <tr><th>problem code (HTTP status)</th><th>exception</th><th>retried</th></tr>
 *   <tr><td>wrong-expected-revision (409)</td><td>{@link
 *       dev.factum.api.WrongExpectedRevisionException} with the problem's stream, expected and
 *       actual revision ({@code null} actual: {@link StreamState#NO_REVISION})</td><td>no</td></tr>
 *   <tr><td>idempotency-conflict (409)</td><td>{@link
 *       dev.factum.api.IdempotencyConflictException}</td><td>no</td></tr>
 *   <tr><td>stream-deleted (410)</td><td>{@link dev.factum.api.StreamDeletedException}</td>
 *       <td>no</td></tr>
 *   <tr><td>stream-not-found (404)</td><td>{@link dev.factum.api.StreamNotFoundException}</td>
 *       <td>no</td></tr>
 *   <tr><td>invalid-request (400)</td><td>{@link InvalidArgumentException}</td><td>no</td></tr>
 *   <tr><td>limit-exceeded (413)</td><td>{@link dev.factum.api.LimitExceededException} with the
 *       problem's limit, max and actual value, as the embedded store throws it</td><td>no</td></tr>
 *   <tr><td>payload-too-large (413)</td><td>{@link InvalidArgumentException}: the request body was
 *       over the server's byte cap (a setting of the server, not a limit of the store); the cause's
 *       {@link ServerProblemException#code()} tells it from invalid-request</td><td>no</td></tr>
 *   <tr><td>overloaded (503)</td><td>{@link dev.factum.api.OverloadedException}</td><td>yes,
 *       after at least its Retry-After</td></tr>
 *   <tr><td>rate-limited (429)</td><td>{@link dev.factum.api.RateLimitedException}</td><td>yes,
 *       after at least its Retry-After</td></tr>
 *   <tr><td>unauthorized (401)</td><td>{@link dev.factum.api.UnauthorizedException}</td>
 *       <td>no</td></tr>
 *   <tr><td>forbidden (403)</td><td>{@link dev.factum.api.ForbiddenException}</td><td>no</td></tr>
 *   <tr><td>store-closed (503)</td><td>{@link StoreClosedException}</td><td>no</td></tr>
 *   <tr><td>storage-full (507)</td><td>{@link dev.factum.api.StorageFullException}</td>
 *       <td>no (the store refuses appends until space is freed, then resumes by itself; retry
 *       later with the same event ids)</td></tr>
 *   <tr><td>data-corrupted (500)</td><td>{@link dev.factum.api.DataCorruptedException}</td>
 *       <td>no</td></tr>
 *   <tr><td>unsupported-format (500)</td><td>{@link dev.factum.api.UnsupportedFormatException}</td>
 *       <td>no</td></tr>
 *   <tr><td>storage-failure (500)</td><td>{@link dev.factum.api.StorageFailureException}</td>
 *       <td>reads and appends only (outcome unknown; with PostgreSQL storage it is usually a
 *       passing database outage)</td></tr>
 *   <tr><td>not-found, method-not-allowed, unsupported-media-type (404, 405, 415)</td><td>{@link
 *       UnexpectedResponseException} (code invalid-request; nothing applied): the client never
 *       sends such requests, so the base URI or the versions are wrong</td><td>no</td></tr>
 *   <tr><td>internal-error (500), an unknown code, a non-problem error body</td><td>{@link
 *       UnexpectedResponseException} (4xx: nothing applied; else outcome unknown)</td>
 *       <td>no</td></tr>
 *   <tr><td>no connection (refused, connect timeout, unknown host, a failed TLS
 *       handshake)</td><td>{@link RequestNotSentException} (code store-closed; nothing
 *       applied)</td><td>yes</td></tr>
 *   <tr><td>the server's TLS certificate is not trusted (unknown CA, wrong host name,
 *       expired)</td><td>{@link UntrustedServerException} (code store-closed; nothing
 *       applied)</td><td>no</td></tr>
 *   <tr><td>no answer (connection lost after sending, request timeout)</td><td>{@link
 *       OutcomeUnknownException} (code storage-failure)</td><td>reads and appends only</td></tr>
 *   <tr><td>the client itself closed</td><td>{@link StoreClosedException}</td><td>no</td></tr>
 * </table>
 *
 * When retries run out, the last failure is thrown (earlier ones are suppressed exceptions), except
 * that it becomes an {@link OutcomeUnknownException} if an earlier attempt may have been applied.
 *
 * <h2>Differences from the embedded store</h2>
 *
 * <ul>
 *   <li>JSON data and metadata must be one valid JSON value each (the wire carries JSON, not
 *       bytes), metadata a JSON object; they are stored and returned compact, so events appended
 *       through the embedded API with other formatting read back equal as JSON but not byte for
 *       byte.
 *   <li>{@link SubscriptionRequest#fromEnd()} is resolved by the client, by asking for the head
 *       before connecting (the SSE endpoints take no {@code end}).
 *   <li>{@link #subscribe} makes its first connection before it returns, so a refused subscription
 *       throws there; deliveries then happen on a virtual thread of the client's.
 * </ul>
 */
public final class FactumClient implements EventStore {
  private static final AtomicLong SUBSCRIPTION_IDS = new AtomicLong();

  private final ConnectionPool pool;
  private final HttpTransport transport;
  private final Retrier retrier;
  private final HttpConsumerGroups groups;
  private final HttpSnapshots snapshots;
  private final HttpSubscription.Settings subscriptionSettings;
  private final Set<HttpSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private final JsonApi json = new JsonApi(this);
  private final HttpProjections projections = new HttpProjections(this, WireJson.mapper());
  private final Duration subscriptionIdleTimeout;
  private final Duration headerTimeout;

  private FactumClient(Builder builder) {
    this.subscriptionIdleTimeout = builder.subscriptionIdleTimeout;
    this.headerTimeout = builder.connectTimeout.plus(builder.requestTimeout);
    boolean https = "https".equals(builder.baseUri.getScheme());
    this.pool =
        new ConnectionPool(
            builder.baseUri,
            https ? tlsContext(builder.sslContext).getSocketFactory() : null,
            builder.connectTimeout);
    this.transport =
        new HttpTransport(
            pool, builder.baseUri, builder.requestTimeout, closed::get, builder.apiKey);
    RandomGenerator random = () -> ThreadLocalRandom.current().nextLong(); // shared by threads
    this.retrier = new Retrier(builder.retryPolicy, builder.retryListener, random);
    this.groups =
        new HttpConsumerGroups(
            (what, idempotent, method, path, body) ->
                retrier.run(what, idempotent, () -> transport.send(method, path, body, null)),
            FactumClient::join,
            builder.requestTimeout);
    this.snapshots =
        new HttpSnapshots(
            (what, method, path, body, stream) ->
                join(retrier.run(what, true, () -> transport.send(method, path, body, stream))));
    this.subscriptionSettings =
        new HttpSubscription.Settings(
            transport,
            builder.subscriptionRetryPolicy,
            builder.connectTimeout.plus(builder.requestTimeout),
            builder.subscriptionIdleTimeout,
            random);
  }

  /** The TLS context of an https server's connections: the builder's, or the JDK's default. */
  private static SSLContext tlsContext(SSLContext configured) {
    if (configured != null) {
      return configured;
    }
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no default TLS context", e);
    }
  }

  /** A builder for a client of the server at {@code baseUri}, e.g. {@code http://host:7117}. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /** A client of the server at {@code baseUri} with default settings. */
  public static FactumClient connect(URI baseUri) {
    return builder(baseUri).build();
  }

  /** Appends on the calling thread (no hand-off: the exchange is this thread's own I/O). */
  @Override
  public AppendResult append(AppendRequest request) {
    return join(appendNow(request));
  }

  /** Appends on a virtual thread of its own; the future completes when the server answered. */
  @Override
  public CompletableFuture<AppendResult> appendAsync(AppendRequest request) {
    return async(() -> appendNow(request));
  }

  private CompletableFuture<AppendResult> appendNow(AppendRequest request) {
    try {
      if (request == null) {
        throw new InvalidArgumentException("a required argument is missing");
      }
      AppendRequest withIds = EventIds.assign(request);
      String stream = withIds.stream();
      String path = Urls.stream(stream);
      byte[] body = WireCodec.appendBody(withIds);
      return retrier.run(
          "append to '" + stream + "'",
          true,
          () ->
              transport
                  .send("POST", path, body, stream)
                  .thenApply(json -> WireCodec.appendResult(stream, json)));
    } catch (FactumException rejected) {
      return CompletableFuture.failedFuture(rejected);
    }
  }

  @Override
  public MultiAppendResult appendAll(List<AppendRequest> requests) {
    return join(appendAllNow(requests));
  }

  @Override
  public CompletableFuture<MultiAppendResult> appendAllAsync(List<AppendRequest> requests) {
    return async(() -> appendAllNow(requests));
  }

  private CompletableFuture<MultiAppendResult> appendAllNow(List<AppendRequest> requests) {
    try {
      byte[] body = WireCodec.multiAppendBody(EventIds.assign(requests));
      return retrier.run(
          "append to " + requests.size() + " streams",
          true,
          () ->
              transport
                  .send("POST", "/append", body, null)
                  .thenApply(WireCodec::multiAppendResult));
    } catch (FactumException rejected) {
      return CompletableFuture.failedFuture(rejected);
    }
  }

  /** Runs a blocking call on a new virtual thread. */
  private static <T> CompletableFuture<T> async(Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Retrier.VIRTUAL.execute(
        () -> {
          CompletableFuture<T> done;
          try {
            done = call.get();
          } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
          }
          // The callback only completes result, which the caller holds; nothing to observe here.
          var unused =
              done.whenComplete(
                  (value, error) -> {
                    if (error == null) {
                      result.complete(value);
                    } else {
                      result.completeExceptionally(Retrier.unwrap(error));
                    }
                  });
        });
    return result;
  }

  @Override
  public ReadPage readStream(String stream, long from, Direction direction, int limit) {
    long start = from;
    if (from == END && direction == Direction.FORWARD) {
      // As the embedded store: forward from the end starts after the stream's newest revision,
      // so the page's next is a real revision (the server links no next page at the end).
      Urls.checkedStream(stream);
      start = streamState(stream).lastRevision() + 1;
    }
    String path = Urls.readStream(stream, start, direction, limit);
    byte[] page = callForBytes("read '" + stream + "'", "GET", path, stream);
    return WireCodec.streamPage(page, start, direction);
  }

  @Override
  public ReadPage readAll(long from, Direction direction, int limit, LogFilter filter) {
    String path = Urls.readAll(from, direction, limit, filter);
    return WireCodec.logPage(callForBytes("read the log", "GET", path, null), from, direction);
  }

  @Override
  public StreamState streamState(String stream) {
    String path = Urls.stream(stream) + "/state";
    return WireCodec.streamState(call("state of '" + stream + "'", true, "GET", path, stream));
  }

  /** {@code GET /streams?...}: a page of the stream listing, as the client's key may see it. */
  @Override
  public StreamPage listStreams(StreamQuery query) {
    if (query == null) {
      throw new InvalidArgumentException("a stream query is missing");
    }
    return WireCodec.streamPage(call("list streams", true, "GET", Urls.listStreams(query), null));
  }

  @Override
  public StreamState delete(String stream, ExpectedRevision expected) {
    return delete(stream, expected, false);
  }

  @Override
  public StreamState tombstone(String stream, ExpectedRevision expected) {
    return delete(stream, expected, true);
  }

  private StreamState delete(String stream, ExpectedRevision expected, boolean tombstone) {
    if (expected == null) {
      throw new InvalidArgumentException("expected revision is missing");
    }
    String path = Urls.delete(stream, expected.toString(), tombstone);
    String what = (tombstone ? "tombstone '" : "delete '") + stream + "'";
    return WireCodec.streamState(call(what, false, "DELETE", path, stream));
  }

  /**
   * {@code DELETE /admin/subjects/{subject}} (an admin key): forgets a data subject. Not retried on
   * an unknown outcome: a second forget of a forgotten subject is {@link
   * dev.factum.api.SubjectNotFoundException}, which then means the same thing.
   */
  @Override
  public void forget(String subject) {
    if (subject == null || subject.isEmpty()) {
      throw new InvalidArgumentException("a data subject is missing");
    }
    call(
        "forget subject '" + subject + "'",
        false,
        "DELETE",
        "/admin/subjects/" + Urls.encode(subject),
        null);
  }

  /**
   * {@code POST /import}; retried like an append (an import with the same event ids is an exact
   * retry on the server).
   */
  @Override
  public ImportResult importEvents(List<RecordedEvent> events) {
    byte[] body = WireCodec.importBody(events);
    return importBody(events.size(), body);
  }

  /** The server's JSON as it is, for tools that pass it on unchanged. */
  public JsonApi json() {
    return json;
  }

  byte[] callForBytes(String operation, String path, String stream) {
    return callForBytes(operation, true, "GET", path, null, stream);
  }

  byte[] callForBytes(
      String operation,
      boolean idempotent,
      String method,
      String path,
      byte[] body,
      String stream) {
    return join(
        retrier.run(
            operation, idempotent, () -> transport.sendForBytes(method, path, body, stream)));
  }

  ImportResult importBody(int events, byte[] body) {
    return join(
        retrier.run(
            "import " + events + " events",
            true,
            () ->
                transport.send("POST", "/import", body, null).thenApply(WireCodec::importResult)));
  }

  EventFeed openFeed(SubscriptionRequest request) {
    checkOpen();
    String path =
        request.isStream()
            ? Urls.streamEvents(request.stream(), request.from())
            : Urls.allEvents(request.from(), request.filter());
    SseConnection connection = new SseConnection();
    connection.open(transport, path, -1, headerTimeout, request.stream());
    return new EventFeed(connection, subscriptionIdleTimeout, request.stream());
  }

  @Override
  public long headPosition() {
    return WireCodec.headPosition(call("read the head", true, "GET", "/", null));
  }

  /**
   * {@code GET /admin/chain}: the head of the store's tamper-evident hash chain (admin role), to
   * note elsewhere and check later with {@code factum verify --anchor} (docs/LIFECYCLE.md, "Tamper
   * evidence"); retried, it only reads.
   */
  @Override
  public ChainHead chainHead() {
    JsonNode head = call("read the chain head", true, "GET", "/admin/chain", null);
    return new ChainHead(
        head.path("position").asLong(),
        head.path("hash").asText(),
        head.path("chainedFrom").asLong());
  }

  /** {@code GET /streams/{stream}/metadata} (docs/LIFECYCLE.md); retried, it only reads. */
  @Override
  public VersionedStreamMetadata streamMetadata(String stream) {
    String path = Urls.stream(stream) + "/metadata";
    return StreamMetadataJson.read(call("metadata of '" + stream + "'", true, "GET", path, stream));
  }

  /**
   * {@code PUT /streams/{stream}/metadata}; retried, since a repeated write with the same
   * expectation and settings is answered as the first was (the server writes nothing twice).
   */
  @Override
  public long setStreamMetadata(String stream, ExpectedRevision expected, StreamMetadata metadata) {
    if (expected == null) {
      throw new InvalidArgumentException("expected metadata revision is missing");
    }
    if (metadata == null) {
      throw new InvalidArgumentException("metadata is missing");
    }
    byte[] body =
        WireCodec.write(
            json -> {
              json.writeStartObject();
              StreamMetadataJson.writeSet(json, expected, metadata);
              json.writeEndObject();
            });
    String path = Urls.stream(stream) + "/metadata";
    JsonNode answer =
        join(
            retrier.run(
                "set the metadata of '" + stream + "'",
                true,
                () -> transport.send("PUT", path, body, stream)));
    return StreamMetadataJson.readSetResult(answer);
  }

  /**
   * {@code POST /admin/scavenge} (admin key; docs/LIFECYCLE.md, "Scavenging"): starts a run of the
   * key's store, or answers the running one. Retried: a repeated start while a run goes on starts
   * nothing. A storage that cannot scavenge answers {@code scavenge-unavailable}.
   */
  @Override
  public ScavengeStatus startScavenge(long eventsPerSecond) {
    if (eventsPerSecond < 0) {
      throw new InvalidArgumentException(
          "eventsPerSecond must be 0 (the default) or more, was " + eventsPerSecond);
    }
    byte[] body =
        ("{\"eventsPerSecond\":" + eventsPerSecond + "}").getBytes(StandardCharsets.UTF_8);
    return ScavengeJson.read(
        join(
            retrier.run(
                "start scavenging",
                true,
                () -> transport.send("POST", "/admin/scavenge", body, null))));
  }

  /** {@code GET /admin/scavenge} (admin key): the current or last run. */
  @Override
  public ScavengeStatus scavengeStatus() {
    return ScavengeJson.read(
        call("read the scavenging status", true, "GET", "/admin/scavenge", null));
  }

  /** The server's snapshots ({@code /streams/{stream}/snapshot}; docs/LIFECYCLE.md). */
  @Override
  public Snapshots snapshots() {
    return snapshots;
  }

  /** The server's consumer groups ({@code /groups}; docs/CONSUMERS.md). */
  @Override
  public ConsumerGroups consumerGroups() {
    return groups;
  }

  /** The server's declarative projections ({@code /projections}; docs/PROJECTIONS.md). */
  public HttpProjections projections() {
    return projections;
  }

  @Override
  public Subscription subscribe(SubscriptionRequest request, SubscriptionListener listener) {
    if (request == null || listener == null) {
      throw new InvalidArgumentException("a required argument is missing");
    }
    if (request.isStream()) {
      Urls.checkedStream(request.stream());
    }
    checkOpen();
    SubscriptionRequest resolved = request;
    if (request.from() == SubscriptionRequest.END) {
      long start =
          request.isStream()
              ? streamState(request.stream()).lastRevision() + 1
              : headPosition() + 1;
      resolved = request.from(start);
    }
    HttpSubscription subscription =
        HttpSubscription.start(
            subscriptionSettings,
            retrier,
            resolved,
            listener,
            subscriptions,
            "factum-client-subscription-" + SUBSCRIPTION_IDS.incrementAndGet());
    if (closed.get()) {
      subscription.end(new StoreClosedException("the client is closed"));
    }
    return subscription;
  }

  /**
   * Closes the client: later calls fail with {@link StoreClosedException}, subscriptions end with
   * it, and requests under way are given {@link #CLOSE_GRACE} to finish; whatever is still open
   * then (a request the server never answers, a stream body nobody drains) is aborted, so close
   * never hangs. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (HttpSubscription subscription : subscriptions) {
      subscription.end(new StoreClosedException("the client is closed"));
    }
    pool.close(CLOSE_GRACE);
  }

  /** How long {@link #close()} lets requests under way finish before aborting them. */
  public static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreClosedException("the client is closed");
    }
  }

  private JsonNode call(
      String operation, boolean idempotent, String method, String path, String stream) {
    return join(
        retrier.run(operation, idempotent, () -> transport.send(method, path, null, stream)));
  }

  /** An idempotent call whose 2xx body is decoded by the caller, from its bytes. */
  private byte[] callForBytes(String operation, String method, String path, String stream) {
    return join(
        retrier.run(operation, true, () -> transport.sendForBytes(method, path, null, stream)));
  }

  /** Waits for a call and rethrows its failure as it was raised. */
  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutcomeUnknownException(
          "interrupted while waiting for the server; the request may or may not be applied", e);
    } catch (ExecutionException e) {
      Throwable cause = Retrier.unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new OutcomeUnknownException(String.valueOf(cause), cause);
    } catch (CancellationException e) {
      throw new StoreClosedException("the request was cancelled", e);
    }
  }

  /** Settings of a {@link FactumClient}; every one has a default but the base URI. */
  public static final class Builder {
    private final URI baseUri;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration subscriptionIdleTimeout = Duration.ofSeconds(45);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private RetryPolicy subscriptionRetryPolicy =
        RetryPolicy.forever(Duration.ofMillis(100), Duration.ofSeconds(5));
    private RetryListener retryListener = RetryListener.NONE;
    private SSLContext sslContext;
    private String apiKey;

    private Builder(URI baseUri) {
      if (baseUri == null
          || baseUri.getHost() == null
          || !("http".equals(baseUri.getScheme()) || "https".equals(baseUri.getScheme()))
          || baseUri.getRawQuery() != null
          || baseUri.getRawFragment() != null) {
        throw new InvalidArgumentException(
            "the base URI must be an http(s) URI with a host and no query, was " + baseUri);
      }
      this.baseUri = baseUri;
    }

    /** How long to wait for a connection to open (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How long one attempt waits for its answer (default 30 s). An append that times out has an
     * unknown outcome and is retried with the same event ids.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Retries of calls (default {@link RetryPolicy#DEFAULT}). */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = required(policy, "retryPolicy");
      return this;
    }

    /**
     * Reconnections of a subscription whose connection dropped (default: forever, pauses from 100
     * ms to 5 s). Failures are counted from the last connection that delivered something.
     */
    public Builder subscriptionRetryPolicy(RetryPolicy policy) {
      this.subscriptionRetryPolicy = required(policy, "subscriptionRetryPolicy");
      return this;
    }

    /**
     * How long a subscription's connection may stay silent before it is taken for dead and replaced
     * (default 45 s, three of the server's default heartbeat intervals).
     */
    public Builder subscriptionIdleTimeout(Duration timeout) {
      this.subscriptionIdleTimeout = positive(timeout, "subscriptionIdleTimeout");
      return this;
    }

    /**
     * The API key sent as {@code Authorization: Bearer <key>} on every request and subscription
     * connection (default: none, for a server in open mode). It is never logged.
     */
    public Builder apiKey(String key) {
      if (key == null || key.isBlank() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
        throw new InvalidArgumentException("apiKey must be printable ASCII without spaces");
      }
      this.apiKey = key;
      return this;
    }

    /** Told about every retry (default: nobody). */
    public Builder retryListener(RetryListener listener) {
      this.retryListener = required(listener, "retryListener");
      return this;
    }

    /**
     * Trusts the CA certificates of a PEM file (or a self-signed server certificate) for an {@code
     * https://} server, instead of the JDK's default CAs. The server's host name is still checked
     * against its certificate.
     *
     * @throws InvalidArgumentException if the file cannot be read or holds no certificate
     */
    public Builder trustCertificates(Path caPem) {
      return sslContext(Pem.trustContext(required(caPem, "trustCertificates")));
    }

    /**
     * The TLS context of an {@code https://} server's connections (its trust managers decide which
     * servers are trusted); by default, the JDK's, which trusts its CA store. Host names are
     * checked either way.
     */
    public Builder sslContext(SSLContext context) {
      if (!"https".equals(baseUri.getScheme())) {
        throw new InvalidArgumentException(
            "TLS settings need an https:// base URI, was " + baseUri);
      }
      this.sslContext = required(context, "sslContext");
      return this;
    }

    public FactumClient build() {
      return new FactumClient(this);
    }

    private static Duration positive(Duration value, String name) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new InvalidArgumentException(name + " must be positive");
      }
      return value;
    }

    private static <T> T required(T value, String name) {
      if (value == null) {
        throw new InvalidArgumentException(name + " is missing");
      }
      return value;
    }
  }
}
