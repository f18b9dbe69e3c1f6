package dev.factum.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.OverloadedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.engine.StoreOptions;
import dev.factum.server.ServerConfig;
import dev.factum.tck.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends are retried exactly when that is safe, and a retry of an append that was in fact
 * committed returns the original result without writing again. The lost answers here are real: a
 * proxy that lets the request through and drops the response, a commit held past the request
 * timeout, a full write queue.
 */
class AppendRetryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path directory;
  ServerFixture server;
  TcpProxy proxy;
  FactumClient client;
  final List<String> retries = new CopyOnWriteArrayList<>();
  final List<FactumException> retriedFailures = new CopyOnWriteArrayList<>();
  final List<Duration> pauses = new CopyOnWriteArrayList<>();

  private FactumClient.Builder observed(FactumClient.Builder builder) {
    return builder.retryListener(
        (operation, attempt, failure, pause) -> {
          retries.add(operation + " #" + attempt);
          retriedFailures.add(failure);
          pauses.add(pause);
        });
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static List<EventData> events(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> EventData.json("E" + i, "{\"i\":" + i + "}"))
        .toList();
  }

  @Test
  void aLostResponseIsRetriedAndReturnsTheOriginalResultWithoutWritingTwice() throws Exception {
    server = ServerFixture.start(directory);
    proxy = new TcpProxy(server.port());
    client = observed(ServerFixture.client(proxy.uri())).build();
    client.append("other-1", ExpectedRevision.any(), events(2)); // positions 0..1

    proxy.dropNextResponse();
    // No ids given: the client must fix them before the first attempt for the retry to be exact.
    AppendResult result = client.append("order-1", ExpectedRevision.noStream(), events(3));

    assertThat(proxy.responsesDropped()).isEqualTo(1);
    assertThat(retries).hasSize(1);
    assertThat(retriedFailures.getFirst()).isInstanceOf(OutcomeUnknownException.class);
    assertThat(result).isEqualTo(new AppendResult("order-1", 0, 2, 2, 4));
    // Both attempts reached the store and both were answered 200: the second as an exact retry.
    Await.until("both appends counted", WAIT, () -> server.requests("append", 200) == 3);
    List<RecordedEvent> stored =
        server.store.readStream("order-1", 0, Direction.FORWARD, 100).events();
    assertThat(stored).extracting(RecordedEvent::type).containsExactly("E0", "E1", "E2");
    assertThat(server.store.headPosition()).isEqualTo(4);
  }

  @Test
  void aLostMultiStreamResponseIsRetriedExactlyToo() throws Exception {
    server = ServerFixture.start(directory);
    proxy = new TcpProxy(server.port());
    client = observed(ServerFixture.client(proxy.uri())).build();

    proxy.dropNextResponse();
    MultiAppendResult result =
        client.appendAll(
            List.of(
                new AppendRequest("a-1", ExpectedRevision.noStream(), events(2)),
                new AppendRequest("b-1", ExpectedRevision.noStream(), events(1))));

    assertThat(retries).hasSize(1);
    assertThat(result.results())
        .containsExactly(new AppendResult("a-1", 0, 1, 0, 1), new AppendResult("b-1", 0, 0, 2, 2));
    assertThat(server.store.headPosition()).isEqualTo(2);
  }

  @Test
  void anAppendThatTimedOutIsRetriedAndCommittedOnce() throws Exception {
    server = ServerFixture.start(directory);
    CountDownLatch firstRetry = new CountDownLatch(1);
    client =
        server
            .client()
            .requestTimeout(Duration.ofMillis(300))
            .retryListener((operation, attempt, failure, pause) -> firstRetry.countDown())
            .build();
    CountDownLatch release = server.storage.holdCommits();
    CompletableFuture<AppendResult> append =
        client.appendAsync(new AppendRequest("slow-1", ExpectedRevision.noStream(), events(2)));
    try {
      // The first attempt is queued behind the held commit and times out on the client.
      assertThat(firstRetry.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } finally {
      release.countDown();
    }
    AppendResult result = append.get();
    assertThat(result).isEqualTo(new AppendResult("slow-1", 0, 1, 0, 1));
    assertThat(server.store.headPosition()).isEqualTo(1);
  }

  @Test
  void overloadedIsRetriedNoSoonerThanRetryAfter() throws Exception {
    StoreOptions oneSlot = StoreOptions.DEFAULT.withQueue(1, StoreOptions.DEFAULT.maxQueuedBytes());
    server = ServerFixture.start(directory, oneSlot, ServerConfig.DEFAULT);
    CountDownLatch overloaded = new CountDownLatch(1);
    client =
        server
            .client()
            .retryListener(
                (operation, attempt, failure, pause) -> {
                  retriedFailures.add(failure);
                  pauses.add(pause);
                  overloaded.countDown();
                })
            .build();

    CountDownLatch release = server.storage.holdCommits();
    CompletableFuture<AppendResult> held =
        server.store.appendAsync(new AppendRequest("q-1", ExpectedRevision.any(), events(1)));
    Await.until("a held commit", WAIT, () -> server.storage.commitsEntered() == 1);
    CompletableFuture<AppendResult> queued =
        server.store.appendAsync(new AppendRequest("q-2", ExpectedRevision.any(), events(1)));

    long started = System.nanoTime();
    CompletableFuture<AppendResult> append =
        client.appendAsync(new AppendRequest("c-1", ExpectedRevision.noStream(), events(1)));
    try {
      assertThat(overloaded.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } finally {
      release.countDown();
    }
    AppendResult result = append.get();
    long elapsed = System.nanoTime() - started;

    assertThat(retriedFailures.getFirst()).isInstanceOf(OverloadedException.class);
    assertThat(ServerProblemException.of(retriedFailures.getFirst()).orElseThrow().retryAfter())
        .contains(Duration.ofSeconds(1));
    assertThat(pauses.getFirst()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(result.stream()).isEqualTo("c-1");
    held.join();
    queued.join();
    assertThat(server.store.headPosition()).isEqualTo(2);
  }

  @Test
  void answersAreNeverRetried() throws Exception {
    server = ServerFixture.start(directory);
    client = observed(server.client()).build();
    client.append("s-1", ExpectedRevision.noStream(), events(1));

    assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.noStream(), events(1)))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThatThrownBy(() -> client.append("$system", ExpectedRevision.any(), events(1)))
        .isInstanceOf(InvalidArgumentException.class);
    server.store.close();
    assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.any(), events(1)))
        .isInstanceOf(StoreClosedException.class);

    assertThat(retries).isEmpty();
    Await.until(
        "one 409, one 400 and one 503",
        WAIT,
        () ->
            server.requests("append", 409) == 1
                && server.requests("append", 400) == 1
                && server.requests("append", 503) == 1);
  }

  @Test
  void aServerThatIsNotUpYetIsRetriedUntilItIs() throws Exception {
    server = ServerFixture.start(directory);
    int port = server.port();
    server.stop();
    CountDownLatch refused = new CountDownLatch(1);
    client =
        ServerFixture.client(URI.create("http://127.0.0.1:" + port))
            .retryPolicy(new RetryPolicy(50, Duration.ofMillis(20), Duration.ofMillis(100)))
            .retryListener(
                (operation, attempt, failure, pause) -> {
                  retriedFailures.add(failure);
                  refused.countDown();
                })
            .build();
    CompletableFuture<AppendResult> append =
        client.appendAsync(new AppendRequest("s-1", ExpectedRevision.noStream(), events(1)));
    assertThat(refused.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    server.restart();

    assertThat(append.get()).isEqualTo(new AppendResult("s-1", 0, 0, 0, 0));
    assertThat(retriedFailures.getFirst()).isInstanceOf(RequestNotSentException.class);
  }

  @Test
  void whenRetriesRunOutAfterALostResponseTheOutcomeIsReportedUnknown() throws Exception {
    server = ServerFixture.start(directory);
    proxy = new TcpProxy(server.port());
    client =
        observed(ServerFixture.client(proxy.uri()))
            .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)))
            .build();

    // The first attempt commits but its answer is lost; then the proxy refuses every connection.
    proxy.dropNextResponseThenRefuse();
    assertThatThrownBy(() -> client.append("s-1", ExpectedRevision.noStream(), events(1)))
        .isInstanceOfSatisfying(
            OutcomeUnknownException.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(RequestNotSentException.class);
              assertThat(e.getSuppressed()).hasSize(2);
            });
    assertThat(retriedFailures)
        .hasExactlyElementsOfTypes(OutcomeUnknownException.class, RequestNotSentException.class);
    // "Unknown" was the truth: the event is there.
    assertThat(server.store.headPosition()).isEqualTo(0);
  }
}
