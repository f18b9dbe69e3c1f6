package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.OverloadedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamState.Status;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.FaultInjectingStorage.Point;
import dev.factum.engine.testing.InMemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The single writer over an in-memory storage: group commit, backpressure, completion only after
 * the commit and the publish, fail-stop after a failed commit, and store-closed after. The writer
 * is steered with real signals (a held commit, the commit-entered signal), never with sleeps.
 */
class AppendPipelineTest {
  private final FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
  private FactumStore store;

  private static List<EventData> one() {
    return List.of(EventData.json("T", "{}"));
  }

  private FactumStore open(StoreOptions options) {
    store = FactumStore.open(storage, options);
    return store;
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void whatQueuesWhileACommitSyncsBecomesOneBatchInSubmissionOrder() throws Exception {
    open(StoreOptions.DEFAULT);
    CountDownLatch release = storage.holdCommits();
    CompletableFuture<AppendResult> first =
        store.appendAsync(new AppendRequest("s-0", noStream(), one()));
    storage.awaitCommitEntered(1);
    List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      queued.add(store.appendAsync(new AppendRequest("s-" + i, noStream(), one())));
    }
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < queued.size(); i++) {
      assertThat(queued.get(i).get(10, TimeUnit.SECONDS).firstPosition()).isEqualTo(i + 1);
    }
    List<CommitBatch> batches = storage.durableBatches();
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1).events())
        .extracting(RecordedEvent::stream)
        .hasSize(10)
        .first()
        .isEqualTo("s-1");
    assertThat(batches.get(1).heads()).hasSize(10);
  }

  @Test
  void aFullQueueAnswersOverloadedAtOnceAndEverythingAcceptedCommits() throws Exception {
    open(StoreOptions.DEFAULT.withQueue(4, StoreOptions.DEFAULT.maxQueuedBytes()));
    CountDownLatch release = storage.holdCommits();
    CompletableFuture<AppendResult> inCommit =
        store.appendAsync(new AppendRequest("s", noStream(), one()));
    storage.awaitCommitEntered(1); // the writer holds that batch; the queue is empty
    List<CompletableFuture<AppendResult>> accepted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      accepted.add(store.appendAsync(new AppendRequest("q-" + i, noStream(), one())));
    }
    CompletableFuture<AppendResult> fifth =
        store.appendAsync(new AppendRequest("q-4", noStream(), one()));
    assertThat(fifth).isCompletedExceptionally();
    assertThatThrownBy(fifth::join).hasCauseInstanceOf(OverloadedException.class);
    assertThat(accepted).noneMatch(CompletableFuture::isDone);
    release.countDown();
    inCommit.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<AppendResult> f : accepted) {
      assertThat(f.get(10, TimeUnit.SECONDS).firstRevision()).isZero();
    }
    assertThat(store.headPosition()).isEqualTo(4);
    assertThat(store.streamState("q-4").status()).isEqualTo(Status.NONE);
  }

  @Test
  void aFutureCompletesOnlyAfterItsCommitAndAfterReadersCanSeeIt() throws Exception {
    open(StoreOptions.DEFAULT);
    CountDownLatch release = storage.holdCommits();
    CompletableFuture<AppendResult> append =
        store.appendAsync(new AppendRequest("s", noStream(), one()));
    AtomicLong headAtCompletion = new AtomicLong(Long.MIN_VALUE);
    AtomicReference<List<RecordedEvent>> readAtCompletion = new AtomicReference<>();
    CompletableFuture<AppendResult> observed =
        append.whenComplete(
            (r, e) -> {
              headAtCompletion.set(store.headPosition());
              readAtCompletion.set(
                  store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events());
            });
    storage.awaitCommitEntered(1);
    assertThat(append).isNotDone();
    assertThat(store.headPosition()).isEqualTo(-1);
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events()).isEmpty();
    release.countDown();
    AppendResult result = observed.get(10, TimeUnit.SECONDS);
    assertThat(storage.durableBatches()).hasSize(1);
    assertThat(headAtCompletion.get()).isEqualTo(result.lastPosition());
    assertThat(readAtCompletion.get()).extracting(RecordedEvent::position).containsExactly(0L);
  }

  @Test
  void aFailedCommitStopsTheStoreAndEveryLaterWriteIsStoreClosedWithTheCause() throws Exception {
    open(StoreOptions.DEFAULT);
    CountDownLatch subscriptionEnded = new CountDownLatch(1);
    AtomicReference<Throwable> subscriptionCause = new AtomicReference<>();
    store.subscribe(
        SubscriptionRequest.toAll(),
        new SubscriptionListener() {
          @Override
          public void onEvent(RecordedEvent event) {}

          @Override
          public void onClose(Throwable cause) {
            subscriptionCause.set(cause);
            subscriptionEnded.countDown();
          }
        });
    store.append("s", noStream(), one());
    storage.failCommit(
        2, Point.BEFORE_DURABLE, () -> new IllegalStateException("fsync failed (injected)"));
    CountDownLatch release = storage.holdCommits();
    CompletableFuture<AppendResult> failing =
        store.appendAsync(new AppendRequest("s", any(), one()));
    storage.awaitCommitEntered(2);
    CompletableFuture<AppendResult> queuedBehind =
        store.appendAsync(new AppendRequest("t", any(), one()));
    release.countDown();
    assertThatThrownBy(failing::join)
        .hasCauseInstanceOf(StorageFailureException.class)
        .hasMessageContaining("outcome of this batch is unknown");
    assertThatThrownBy(queuedBehind::join).hasCauseInstanceOf(StoreClosedException.class);
    assertThat(store.isStopped()).isTrue();
    List<Runnable> laterWrites =
        List.of(
            () -> store.append("u", noStream(), one()),
            () -> store.appendAll(List.of(new AppendRequest("v", noStream(), one()))),
            () -> store.delete("s", any()),
            () -> store.tombstone("s", any()),
            () ->
                store.importEvents(
                    store.readAll(0, Direction.FORWARD, 1, LogFilter.none()).events()));
    for (Runnable write : laterWrites) {
      assertThatThrownBy(write::run)
          .isInstanceOf(StoreClosedException.class)
          .hasMessageContaining("stopped after a storage failure")
          .hasRootCauseMessage("fsync failed (injected)");
    }
    assertThat(storage.commitsEntered())
        .as("nothing reached the storage after the failure")
        .isEqualTo(2);
    assertThat(subscriptionEnded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(subscriptionCause.get()).isInstanceOf(StoreClosedException.class);
    assertThat(store.headPosition()).isZero();
  }

  @Test
  void aCommitThatFailedAfterBecomingDurableIsNeverPublishedAndReopeningFindsIt() {
    open(StoreOptions.DEFAULT);
    EventData unknown = EventData.json("T", "{}").withId(UUID.randomUUID());
    store.append("s", noStream(), one());
    storage.failCommit(
        2, Point.AFTER_DURABLE, () -> new StorageFailureException("fdatasync: EIO (injected)"));
    assertThatThrownBy(() -> store.append("s", any(), List.of(unknown)))
        .isInstanceOf(StorageFailureException.class);
    assertThat(storage.real().lastPosition()).as("the batch is durable").isEqualTo(1);
    assertThat(store.headPosition()).as("but never published").isZero();
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events()).hasSize(1);
    store.close();
    store = FactumStore.open(((InMemoryStorage) storage.real()).reopen());
    assertThat(store.headPosition()).isEqualTo(1);
    assertThat(store.append("s", any(), List.of(unknown)))
        .isEqualTo(new AppendResult("s", 1, 1, 1, 1));
    assertThat(store.verify().ok()).isTrue();
  }

  @Test
  void aClosedStoreRefusesWritesReadsAndSubscriptionsButFinishedWhatItAccepted() throws Exception {
    open(StoreOptions.DEFAULT);
    List<CompletableFuture<AppendResult>> accepted = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      accepted.add(store.appendAsync(new AppendRequest("s", any(), one())));
    }
    store.close();
    for (CompletableFuture<AppendResult> f : accepted) {
      assertThat(f).isCompleted();
      f.join();
    }
    assertThatThrownBy(() -> store.append("s", any(), one()))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.readAll(0, Direction.FORWARD, 1, LogFilter.none()))
        .isInstanceOf(StoreClosedException.class);
    assertThatThrownBy(() -> store.subscribe(SubscriptionRequest.toAll(), e -> {}))
        .isInstanceOf(StoreClosedException.class);
    assertThat(((InMemoryStorage) storage.real()).reopen().lastPosition()).isEqualTo(49);
  }
}
