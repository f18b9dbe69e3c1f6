package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.EncryptionUnavailableException;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.ForbiddenException;
import dev.factum.api.GroupExistsException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.LimitExceededException.Limit;
import dev.factum.api.Limits;
import dev.factum.api.LogFilter;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.OverloadedException;
import dev.factum.api.Query;
import dev.factum.api.RateLimitedException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.SubjectNotFoundException;
import dev.factum.api.UnauthorizedException;
import dev.factum.api.UnsupportedFormatException;
import dev.factum.api.WrongExpectedMetadataRevisionException;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.api.WrongMasterKeyException;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.MasterKey;
import dev.factum.engine.StoreOptions;
import dev.factum.server.AuthSettings;
import dev.factum.server.ServerConfig;
import dev.factum.tck.Await;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error the server can answer with comes back as the exception the embedded store throws for
 * it, with its fields; failures of the HTTP layer and of the transport come back as client types
 * that say whether the request may have been applied.
 */
class ErrorMappingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path directory;

  /** Makes the server answer with one error code; returns what the client threw. */
  @FunctionalInterface
  interface Trigger {
    void run(ServerFixture server, FactumClient client) throws Exception;
  }

  private static List<EventData> one(String type) {
    return List.of(EventData.json(type, "{}"));
  }

  private static Map<ErrorCode, Trigger> triggers() {
    Map<ErrorCode, Trigger> triggers = new EnumMap<>(ErrorCode.class);
    triggers.put(
        ErrorCode.WRONG_EXPECTED_REVISION,
        (server, client) -> client.append("s-1", ExpectedRevision.exact(3), one("A")));
    triggers.put(
        ErrorCode.STREAM_DELETED,
        (server, client) -> {
          client.tombstone("s-1", ExpectedRevision.any());
          client.readStream("s-1", 0, Direction.FORWARD, 10);
        });
    triggers.put(
        ErrorCode.STREAM_NOT_FOUND,
        (server, client) -> client.readStream("s-1", 0, Direction.FORWARD, 10));
    triggers.put(
        ErrorCode.IDEMPOTENCY_CONFLICT,
        (server, client) -> {
          UUID id = UUID.randomUUID();
          client.append("s-1", ExpectedRevision.any(), List.of(one("A").getFirst().withId(id)));
          client.append("s-2", ExpectedRevision.any(), List.of(one("A").getFirst().withId(id)));
        });
    triggers.put(
        ErrorCode.APPEND_CONDITION_FAILED,
        (server, client) -> {
          client.append("s-1", ExpectedRevision.any(), one("A"));
          client.append(
              "s-2",
              ExpectedRevision.any(),
              one("B"),
              AppendCondition.failIfEventsMatch(Query.types("A")));
        });
    triggers.put(
        ErrorCode.INVALID_ARGUMENT,
        (server, client) -> client.append("$reserved", ExpectedRevision.any(), one("A")));
    triggers.put(
        ErrorCode.LIMIT_EXCEEDED,
        (server, client) -> client.append("x".repeat(257), ExpectedRevision.any(), one("A")));
    triggers.put(
        ErrorCode.STORE_CLOSED,
        (server, client) -> {
          server.store.close();
          client.append("s-1", ExpectedRevision.any(), one("A"));
        });
    triggers.put(
        ErrorCode.STORAGE_FULL,
        (server, client) -> {
          server.storage.failNextCommit(() -> new StorageFullException("no space left on device"));
          client.append("s-1", ExpectedRevision.any(), one("A"));
        });
    triggers.put(
        ErrorCode.OVERLOADED,
        (server, client) -> {
          CountDownLatch release = server.storage.holdCommits();
          try {
            CompletableFuture<AppendResult> first =
                server.store.appendAsync(AppendRequest.of("q-1", ExpectedRevision.any(), ev()));
            Await.until(
                "the writer to hold a commit", WAIT, () -> server.storage.commitsEntered() > 0);
            CompletableFuture<AppendResult> queued =
                server.store.appendAsync(AppendRequest.of("q-2", ExpectedRevision.any(), ev()));
            try {
              client.append("s-1", ExpectedRevision.any(), one("A"));
            } finally {
              release.countDown();
              first.join();
              queued.join();
            }
          } finally {
            release.countDown();
          }
        });
    triggers.put(
        ErrorCode.DATA_CORRUPTED,
        (server, client) -> {
          client.append("s-1", ExpectedRevision.any(), one("A"));
          server.storage.failReads(() -> new DataCorruptedException("checksum mismatch"));
          client.readStream("s-1", 0, Direction.FORWARD, 10);
        });
    triggers.put(
        ErrorCode.SUBJECT_NOT_FOUND, (server, client) -> client.forget("nobody-ever-seen"));
    triggers.put(
        ErrorCode.ENCRYPTION_UNAVAILABLE,
        (server, client) ->
            client.append(
                "s-1",
                ExpectedRevision.any(),
                List.of(EventData.json("A", "{}").withSubject("someone"))));
    triggers.put(
        ErrorCode.WRONG_MASTER_KEY,
        (server, client) -> {
          client.append("s-1", ExpectedRevision.any(), one("A"));
          server.storage.failReads(() -> new WrongMasterKeyException("another master key"));
          client.readAll(0, Direction.FORWARD, 10, null);
        });
    triggers.put(
        ErrorCode.UNSUPPORTED_FORMAT,
        (server, client) -> {
          client.append("s-1", ExpectedRevision.any(), one("A"));
          server.storage.failReads(() -> new UnsupportedFormatException("format version 9"));
          client.readAll(0, Direction.FORWARD, 10, null);
        });
    triggers.put(
        ErrorCode.UNAUTHORIZED, (server, client) -> client.readAll(0, Direction.FORWARD, 10, null));
    triggers.put(
        ErrorCode.FORBIDDEN,
        (server, client) -> {
          try (FactumClient reader = keyed(server, "{\"name\":\"r\",\"role\":\"reader\"}")) {
            reader.append("s-1", ExpectedRevision.any(), one("A"));
          }
        });
    triggers.put(
        ErrorCode.RATE_LIMITED,
        (server, client) -> {
          try (FactumClient limited =
              keyed(server, "{\"name\":\"l\",\"role\":\"reader\",\"ratePerSecond\":1}")) {
            for (int i = 0; i < 20; i++) {
              limited.readAll(0, Direction.FORWARD, 10, null);
            }
          }
        });
    triggers.put(
        ErrorCode.STORAGE_FAILURE,
        (server, client) -> {
          server.storage.failNextCommit(() -> new IllegalStateException("fsync failed: EIO"));
          client.append("s-1", ExpectedRevision.any(), one("A"));
        });
    triggers.put(
        ErrorCode.GROUP_NOT_FOUND,
        (server, client) -> client.consumerGroups().poll("nope", "c", 1, Duration.ZERO));
    triggers.put(
        ErrorCode.GROUP_EXISTS,
        (server, client) -> {
          client.consumerGroups().create(GroupDefinition.of("g", GroupSource.all()));
          client.consumerGroups().create(GroupDefinition.of("g", GroupSource.all()));
        });
    triggers.put(
        ErrorCode.NOT_DELIVERED,
        (server, client) -> {
          client.append("s-1", ExpectedRevision.any(), one("A"));
          client.consumerGroups().create(GroupDefinition.of("g", GroupSource.all()));
          client.consumerGroups().ack("g", "c", 0);
        });
    triggers.put(
        ErrorCode.RECORD_CONFLICT,
        (server, client) -> {
          // A change of the group's settings is written, but its commit reports a full disk
          // (its outcome unknown to the server, so the group still holds the version before it);
          // the next change is made against that version, and the writer refuses it.
          client.consumerGroups().create(GroupDefinition.of("g", GroupSource.all()));
          server.storage.failNextCommitAfterWriting(
              () -> new StorageFullException("no space left on device"));
          assertThatThrownBy(() -> client.consumerGroups().update("g", in(2)))
              .isExactlyInstanceOf(StorageFullException.class);
          Await.until("the store to write again", WAIT, () -> writes(server));
          client.consumerGroups().update("g", in(3));
        });
    triggers.put(
        ErrorCode.WRONG_EXPECTED_METADATA_REVISION,
        (server, client) ->
            client.setStreamMetadata(
                "s-1", ExpectedRevision.exact(0), StreamMetadata.NONE.withMaxCount(2L)));
    return triggers;
  }

  private static GroupSettings in(int maxInFlight) {
    return GroupSettings.DEFAULT.withMaxInFlight(maxInFlight);
  }

  /** Whether the store takes an append again (after a full disk, once its probe succeeded). */
  private static boolean writes(ServerFixture server) {
    try {
      server.store.append("probe-1", ExpectedRevision.any(), List.of(ev()));
      return true;
    } catch (StorageFullException stillFull) {
      return false;
    }
  }

  private static final Set<ErrorCode> AUTH =
      Set.of(ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN, ErrorCode.RATE_LIMITED);

  /** A client (no retries) with a key created by the first admin key of an auth-on server. */
  private static FactumClient keyed(ServerFixture server, String keyJson) throws Exception {
    return server.client().retryPolicy(RetryPolicy.NONE).apiKey(server.createKey(keyJson)).build();
  }

  private static EventData ev() {
    return EventData.json("Q", "{}");
  }

  private static Class<? extends FactumException> expectedType(ErrorCode code) {
    return switch (code) {
      case WRONG_EXPECTED_REVISION -> WrongExpectedRevisionException.class;
      case STREAM_DELETED -> StreamDeletedException.class;
      case STREAM_NOT_FOUND -> StreamNotFoundException.class;
      case IDEMPOTENCY_CONFLICT -> IdempotencyConflictException.class;
      case APPEND_CONDITION_FAILED -> AppendConditionFailedException.class;
      case INVALID_ARGUMENT -> InvalidArgumentException.class;
      case LIMIT_EXCEEDED -> LimitExceededException.class;
      case STORE_CLOSED -> StoreClosedException.class;
      case STORAGE_FULL -> StorageFullException.class;
      case OVERLOADED -> OverloadedException.class;
      case DATA_CORRUPTED -> DataCorruptedException.class;
      case UNSUPPORTED_FORMAT -> UnsupportedFormatException.class;
      case STORAGE_FAILURE -> StorageFailureException.class;
      case UNAUTHORIZED -> UnauthorizedException.class;
      case FORBIDDEN -> ForbiddenException.class;
      case RATE_LIMITED -> RateLimitedException.class;
      case RECORD_CONFLICT -> RecordConflictException.class;
      case GROUP_NOT_FOUND -> GroupNotFoundException.class;
      case GROUP_EXISTS -> GroupExistsException.class;
      case NOT_DELIVERED -> NotDeliveredException.class;
      case WRONG_EXPECTED_METADATA_REVISION -> WrongExpectedMetadataRevisionException.class;
      case SUBJECT_NOT_FOUND -> SubjectNotFoundException.class;
      case ENCRYPTION_UNAVAILABLE -> EncryptionUnavailableException.class;
      case WRONG_MASTER_KEY -> WrongMasterKeyException.class;
    };
  }

  @Test
  void everyErrorCodeTheServerProducesRoundTripsToItsExceptionType() throws Exception {
    Map<ErrorCode, Trigger> triggers = triggers();
    assertThat(triggers.keySet())
        .as("every code has a trigger")
        .containsExactlyInAnyOrder(ErrorCode.values());
    // A queue of one command, so that one held commit and one queued append make it full.
    StoreOptions options = StoreOptions.DEFAULT.withQueue(1, StoreOptions.DEFAULT.maxQueuedBytes());
    for (ErrorCode code : triggers.keySet()) {
      Path data = directory.resolve(code.id());
      ServerConfig config =
          AUTH.contains(code)
              ? ServerConfig.DEFAULT.withAuth(AuthSettings.on(data.resolve("admin.key")))
              : ServerConfig.DEFAULT;
      StoreOptions withKey =
          code == ErrorCode.SUBJECT_NOT_FOUND
              ? options.withMasterKey(MasterKey.generate())
              : options;
      try (ServerFixture server = ServerFixture.start(data, withKey, config)) {
        FactumClient client = server.client().retryPolicy(RetryPolicy.NONE).build();
        try {
          assertThatThrownBy(() -> triggers.get(code).run(server, client))
              .as(code.id())
              .isExactlyInstanceOf(expectedType(code))
              .satisfies(
                  thrown -> {
                    FactumException failure = (FactumException) thrown;
                    assertThat(failure.code()).isEqualTo(code);
                    ServerProblemException problem =
                        ServerProblemException.of(failure).orElseThrow();
                    assertThat(problem.code()).isEqualTo(code.id());
                    assertThat(problem.status()).isBetween(400, 599);
                  });
        } finally {
          server.stop();
          client.close();
        }
      }
    }
  }

  @Test
  void conflictsAndStreamErrorsCarryTheirFields() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory)) {
      FactumClient client = server.client().build();
      try {
        assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.exists(), one("A")))
            .isInstanceOfSatisfying(
                WrongExpectedRevisionException.class,
                e -> {
                  assertThat(e.stream()).isEqualTo("s-1");
                  assertThat(e.expected()).isEqualTo(ExpectedRevision.exists());
                  assertThat(e.actualRevision()).isEqualTo(StreamState.NO_REVISION);
                });
        client.append("s-1", ExpectedRevision.any(), List.of(ev(), ev(), ev()));
        assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.noStream(), one("A")))
            .isInstanceOfSatisfying(
                WrongExpectedRevisionException.class,
                e -> {
                  assertThat(e.expected()).isEqualTo(ExpectedRevision.noStream());
                  assertThat(e.actualRevision()).isEqualTo(2);
                  assertThat(e.getMessage())
                      .isEqualTo("stream 's-1' expected at no_stream but is at 2");
                });
        assertThatThrownBy(() -> client.delete("s-1", ExpectedRevision.exact(1)))
            .isInstanceOfSatisfying(
                WrongExpectedRevisionException.class,
                e -> assertThat(e.actualRevision()).isEqualTo(2));
        assertThatThrownBy(() -> client.readStream("nobody-1", 0, Direction.BACKWARD, 1))
            .isInstanceOfSatisfying(
                StreamNotFoundException.class, e -> assertThat(e.stream()).isEqualTo("nobody-1"));
      } finally {
        server.stop();
        client.close();
      }
    }
  }

  @Test
  void anOversizedEventIsLimitExceededAsInTheEmbeddedStore() throws Exception {
    Limits small = new Limits(256, 1024, 10_000, 16 << 20, 32, 10_000);
    StoreOptions options = StoreOptions.DEFAULT.withLimits(small);
    try (ServerFixture server = ServerFixture.start(directory, options, ServerConfig.DEFAULT)) {
      FactumClient client = server.client().build();
      List<EventData> big = List.of(EventData.json("Big", "\"" + "x".repeat(2000) + "\""));
      try {
        assertThatThrownBy(() -> server.store.append("s-1", ExpectedRevision.any(), big))
            .isExactlyInstanceOf(LimitExceededException.class);
        assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.any(), big))
            .isExactlyInstanceOf(LimitExceededException.class)
            .satisfies(
                e -> {
                  ServerProblemException problem = ServerProblemException.of(e).orElseThrow();
                  assertThat(problem.code()).isEqualTo("limit-exceeded");
                  assertThat(problem.status()).isEqualTo(413);
                });
        Await.until("the 413 to be counted", WAIT, () -> server.requests("append", 413) == 1);
      } finally {
        server.stop();
        client.close();
      }
    }
  }

  @Test
  void everyLimitComesBackAsTheEmbeddedStoresLimitExceeded() throws Exception {
    Limits small = new Limits(16, 64, 5, 128, 3, 10);
    StoreOptions options = StoreOptions.DEFAULT.withLimits(small);
    EventData json64 = EventData.json("T", "\"" + "x".repeat(62) + "\"");
    Map<Limit, Consumer<EventStore>> breaches = new EnumMap<>(Limit.class);
    breaches.put(Limit.NAME_BYTES, store -> store.streamState("n".repeat(17)));
    breaches.put(
        Limit.EVENT_BYTES,
        store ->
            store.append(
                "s-1",
                ExpectedRevision.any(),
                List.of(EventData.json("T", "\"" + "x".repeat(63) + "\""))));
    breaches.put(
        Limit.EVENTS_PER_APPEND,
        store ->
            store.appendAll(
                List.of(
                    AppendRequest.of("a-1", ExpectedRevision.any(), ev(), ev(), ev()),
                    AppendRequest.of("b-1", ExpectedRevision.any(), ev(), ev(), ev()))));
    breaches.put(
        Limit.APPEND_BYTES,
        store -> store.append("s-1", ExpectedRevision.any(), List.of(json64, json64, ev())));
    breaches.put(
        Limit.TAGS_PER_EVENT,
        store ->
            store.append(
                "s-1", ExpectedRevision.any(), List.of(ev().withTags(Set.of("a", "b", "c", "d")))));
    breaches.put(
        Limit.READ_LIMIT, store -> store.readAll(0, Direction.FORWARD, 11, LogFilter.none()));
    assertThat(breaches.keySet()).as("every limit is tried").containsExactly(Limit.values());
    try (ServerFixture server = ServerFixture.start(directory, options, ServerConfig.DEFAULT)) {
      FactumClient client = server.client().build();
      try {
        for (Map.Entry<Limit, Consumer<EventStore>> breach : breaches.entrySet()) {
          LimitExceededException embedded = limitExceeded(breach.getValue(), server.store);
          LimitExceededException remote = limitExceeded(breach.getValue(), client);
          Limit limit = breach.getKey();
          assertThat(embedded.limit()).as(limit.id()).isEqualTo(limit);
          assertThat(embedded.max()).as(limit.id()).isEqualTo(limit.in(small));
          assertThat(List.of(remote.limit(), remote.max(), remote.actual(), remote.getMessage()))
              .as(limit.id())
              .isEqualTo(
                  List.of(
                      embedded.limit(), embedded.max(), embedded.actual(), embedded.getMessage()));
          ServerProblemException problem = ServerProblemException.of(remote).orElseThrow();
          assertThat(problem.code()).isEqualTo("limit-exceeded");
          assertThat(problem.status()).isEqualTo(413);
        }
        assertThat(server.store.headPosition()).as("nothing was written").isEqualTo(-1);
      } finally {
        server.stop();
        client.close();
      }
    }
  }

  @Test
  void aLimitExceededWithoutAKnownLimitIsAnUnexpectedResponse() throws Exception {
    for (String problem :
        List.of(
            "{\"code\":\"limit-exceeded\",\"limit\":\"maxSomethingNew\",\"max\":1,\"actual\":2}",
            "{\"code\":\"limit-exceeded\",\"limit\":\"maxNameBytes\",\"max\":\"1\",\"actual\":2}",
            "{\"code\":\"limit-exceeded\"}")) {
      assertThat(ProblemMapper.fromProblem(new ObjectMapper().readTree(problem), 413, null, "s-1"))
          .as(problem)
          .isExactlyInstanceOf(UnexpectedResponseException.class);
    }
  }

  private static LimitExceededException limitExceeded(Consumer<EventStore> call, EventStore store) {
    try {
      call.accept(store);
    } catch (LimitExceededException expected) {
      return expected;
    }
    throw new AssertionError("no LimitExceededException from " + store);
  }

  @Test
  void httpLayerCodesTheClientNeverCausesAreUnexpectedResponses() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory);
        HttpClient raw = HttpClient.newHttpClient()) {
      // The real server's answers to requests this client never makes.
      Map<String, HttpRequest> requests =
          Map.of(
              "method-not-allowed",
              HttpRequest.newBuilder(URI.create(server.uri() + "/streams/s-1"))
                  .PUT(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              "unsupported-media-type",
              HttpRequest.newBuilder(URI.create(server.uri() + "/streams/s-1"))
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              "not-found",
              HttpRequest.newBuilder(URI.create(server.uri() + "/nothing/here")).build());
      for (Map.Entry<String, HttpRequest> entry : requests.entrySet()) {
        HttpResponse<byte[]> response =
            raw.send(entry.getValue(), HttpResponse.BodyHandlers.ofByteArray());
        FactumException mapped =
            ProblemMapper.fromResponse(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body(),
                null,
                "s-1");
        assertThat(mapped).as(entry.getKey()).isInstanceOf(UnexpectedResponseException.class);
        UnexpectedResponseException unexpected = (UnexpectedResponseException) mapped;
        assertThat(unexpected.mayHaveBeenApplied()).isFalse();
        assertThat(unexpected.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(ServerProblemException.of(unexpected).orElseThrow().code())
            .isEqualTo(entry.getKey());
      }

      // A wrong base URI meets the server's not-found through the client itself.
      FactumClient misdirected = ServerFixture.client(URI.create(server.uri() + "/factum")).build();
      try {
        assertThatThrownBy(misdirected::headPosition)
            .isInstanceOfSatisfying(
                UnexpectedResponseException.class,
                e -> {
                  assertThat(e.status()).isEqualTo(404);
                  assertThat(e.mayHaveBeenApplied()).isFalse();
                });
      } finally {
        server.stop();
        misdirected.close();
      }
    }
  }

  @Test
  void anUnexpectedServerFailureIsAnUnexpectedResponseWithUnknownOutcome() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory)) {
      FactumClient client = server.client().build();
      try {
        client.append("s-1", ExpectedRevision.any(), one("A"));
        server.storage.failReads(() -> new IllegalStateException("a bug"));
        assertThatThrownBy(() -> client.readStream("s-1", 0, Direction.FORWARD, 1))
            .isInstanceOfSatisfying(
                UnexpectedResponseException.class,
                e -> {
                  assertThat(e.status()).isEqualTo(500);
                  assertThat(e.mayHaveBeenApplied()).isTrue();
                  assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
                  assertThat(ServerProblemException.of(e).orElseThrow().code())
                      .isEqualTo("internal-error");
                });
      } finally {
        server.stop();
        client.close();
      }
    }
  }

  @Test
  void noServerMeansRequestNotSentAfterTheRetriesRanOut() throws Exception {
    // A socket bound but never listening holds the port for the whole test: connecting to it is
    // refused, and no other process can take it meanwhile (as it could a port freed again).
    try (Socket reserved = new Socket()) {
      reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      noServerOn(reserved.getLocalPort());
    }
  }

  private static void noServerOn(int port) {
    AtomicInteger retries = new AtomicInteger();
    FactumClient client =
        ServerFixture.client(URI.create("http://127.0.0.1:" + port))
            .retryPolicy(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(10)))
            .retryListener((op, attempt, failure, pause) -> retries.incrementAndGet())
            .build();
    try {
      assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.any(), one("A")))
          .isInstanceOfSatisfying(
              RequestNotSentException.class,
              e -> {
                assertThat(e.mayHaveBeenApplied()).isFalse();
                assertThat(e.code()).isEqualTo(ErrorCode.STORE_CLOSED);
                assertThat(e.getSuppressed()).hasSize(2);
              });
      assertThat(retries).hasValue(2);
    } finally {
      client.close();
    }
  }

  @Test
  void aTimedOutRequestHasAnUnknownOutcomeAndADeleteIsNotRetried() throws Exception {
    try (ServerFixture server = ServerFixture.start(directory)) {
      AtomicInteger retries = new AtomicInteger();
      FactumClient client =
          server
              .client()
              .requestTimeout(Duration.ofMillis(300))
              .retryListener((op, attempt, failure, pause) -> retries.incrementAndGet())
              .build();
      CountDownLatch release = null;
      try {
        client.append("s-1", ExpectedRevision.any(), one("A"));
        release = server.storage.holdCommits();
        assertThatThrownBy(() -> client.delete("s-1", ExpectedRevision.exact(0)))
            .isInstanceOfSatisfying(
                OutcomeUnknownException.class,
                e -> {
                  assertThat(e.mayHaveBeenApplied()).isTrue();
                  assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
                });
        assertThat(retries).as("a delete is not idempotent: no retry").hasValue(0);
        release.countDown();
        // It was applied after all: that is what "unknown" means.
        Await.until(
            "the delete to land",
            WAIT,
            () -> server.store.streamState("s-1").status() == StreamState.Status.DELETED);
      } finally {
        if (release != null) {
          release.countDown(); // a failed assertion must not leave the writer held for ever
        }
        server.stop();
        client.close();
      }
    }
  }
}
