package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.FactumException;
import dev.factum.api.OverloadedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the writer reacts when the storage fails: storage-full fails the batch, refuses appends until
 * the storage writes again, then carries on with its state rebuilt from storage; any other commit
 * failure (a failed fsync) stops the store (fail-stop) and reopening recovers; a full queue answers
 * overloaded at once. The real RocksDB storage sits behind the fault seam ({@link
 * FaultInjectingStorage}); {@code FullDiskTest} fills a real disk.
 */
class WritePipelineFaultTest {
  @TempDir Path directory;

  private static List<EventData> one() {
    return List.of(EventData.json("T", "{}"));
  }

  /** Appends until one succeeds: the gate probes the storage at most every 200 ms. */
  private static AppendResult appendOnceResumed(FactumStore store, String stream, EventData event)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return store.append(stream, any(), List.of(event));
      } catch (StorageFullException refused) {
        assertThat(refused.getMessage()).contains("nothing was written");
        assertThat(System.nanoTime()).as("the store never resumed").isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }

  @Test
  void storageFullFailsTheBatchWithItsOwnCodeAndTheStoreCarriesOn() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    try (FactumStore store = FactumStore.open(storage)) {
      store.append("s-1", noStream(), one());
      storage.failNextCommit(() -> new StorageFullException("no space left (injected)"));
      assertThatThrownBy(() -> store.append("s-1", any(), one()))
          .isInstanceOfSatisfying(
              FactumException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FULL));
      assertThat(store.isStopped()).isFalse();
      // The failed batch was not written: its position and revision are taken by the next one.
      assertThat(appendOnceResumed(store, "s-1", EventData.json("T", "{}")))
          .isEqualTo(new AppendResult("s-1", 1, 1, 1, 1));
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void aBatchThatBecameDurableDespiteStorageFullIsFoundAfterResuming() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    EventData lost = EventData.json("T", "{\"n\":1}").withId(UUID.randomUUID());
    try (FactumStore store = FactumStore.open(storage)) {
      store.append("s-1", noStream(), one());
      storage.failNextCommitAfterWriting(() -> new StorageFullException("ENOSPC (injected)"));
      assertThatThrownBy(() -> store.append("s-1", any(), List.of(lost)))
          .isInstanceOf(StorageFullException.class)
          .hasMessageContaining("may or may not have been written");
      // The writer rebuilt its state from storage: the batch is there, published, and a retry with
      // the same id is recognised instead of being written again at a reused position.
      AppendResult retried = appendOnceResumed(store, "s-1", lost);
      assertThat(retried).isEqualTo(new AppendResult("s-1", 1, 1, 1, 1));
      assertThat(store.headPosition()).isEqualTo(1);
      assertThat(store.append("s-1", any(), one())).isEqualTo(new AppendResult("s-1", 2, 2, 2, 2));
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void aFailedCommitStopsTheStoreAndReopeningRecovers() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    FactumStore store = FactumStore.open(storage);
    AtomicReference<Throwable> subscriptionEnd = new AtomicReference<>();
    CountDownLatch ended = new CountDownLatch(1);
    Subscription subscription =
        store.subscribe(
            SubscriptionRequest.toAll(),
            new SubscriptionListener() {
              @Override
              public void onEvent(RecordedEvent event) {}

              @Override
              public void onClose(Throwable cause) {
                subscriptionEnd.set(cause);
                ended.countDown();
              }
            });
    try {
      store.append("s-1", noStream(), one());
      storage.failNextCommit(() -> new IllegalStateException("fsync failed (injected)"));
      assertThatThrownBy(() -> store.append("s-1", any(), one()))
          .isInstanceOf(StorageFailureException.class)
          .hasMessageContaining("outcome of this batch is unknown");
      assertThat(store.isStopped()).isTrue();
      assertThatThrownBy(() -> store.append("s-1", any(), one()))
          .isInstanceOf(StoreClosedException.class)
          .hasRootCauseMessage("fsync failed (injected)");
      assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(subscriptionEnd.get()).isInstanceOf(StoreClosedException.class);
      assertThat(subscription.isClosed()).isTrue();
    } finally {
      store.close();
    }
    try (FactumStore reopened = RocksDbEventStore.open(directory)) {
      assertThat(reopened.headPosition()).isEqualTo(0);
      assertThat(reopened.append("s-1", any(), one()).firstRevision()).isEqualTo(1);
      assertThat(reopened.verify().ok()).isTrue();
    }
  }

  @Test
  void appendsQueuedBehindAFailedCommitFailWithItsCauseAndAreNeverWritten() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    FactumStore store = FactumStore.open(storage);
    List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
    try {
      CountDownLatch release = storage.holdCommits();
      storage.failNextCommit(() -> new IllegalStateException("fsync failed (injected)"));
      CompletableFuture<AppendResult> failing =
          store.appendAsync(AppendRequest.of("s-1", any(), EventData.json("T", "{}")));
      Await.until(
          "the commit to be held", Duration.ofSeconds(10), () -> storage.commitsEntered() == 1);
      for (int i = 0; i < 5; i++) {
        queued.add(store.appendAsync(AppendRequest.of("q-" + i, any(), EventData.json("T", "{}"))));
      }
      release.countDown();
      // Before any close: the writer itself fails what waited behind the failed batch.
      Await.until(
          "every queued append to fail",
          Duration.ofSeconds(10),
          () -> queued.stream().allMatch(CompletableFuture::isDone));
      assertThat(failing).isCompletedExceptionally();
      for (CompletableFuture<AppendResult> future : queued) {
        assertThatThrownBy(future::join)
            .hasCauseInstanceOf(StoreClosedException.class)
            .hasRootCauseMessage("fsync failed (injected)");
      }
    } finally {
      store.close();
    }
    try (FactumStore reopened = RocksDbEventStore.open(directory)) {
      assertThat(reopened.headPosition()).isEqualTo(-1);
    }
  }

  /**
   * A sync that fails after the batch reached the log (the case fsync errors really produce: the
   * data may or may not be on disk). The store stops; every later write says why; the batch's fate
   * is settled by reopening, where a retry with the same ids is exact.
   */
  @Test
  void aSyncFailureAfterTheWriteStopsTheStoreAndEveryLaterWriteSaysWhy() {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    EventData unknown = EventData.json("T", "{}").withId(UUID.randomUUID());
    try (FactumStore store = FactumStore.open(storage)) {
      store.append("s-1", noStream(), one());
      storage.failNextCommitAfterWriting(
          () -> new StorageFailureException("fsync: Input/output error (injected)"));
      assertThatThrownBy(() -> store.append("s-1", any(), List.of(unknown)))
          .isInstanceOf(StorageFailureException.class)
          .hasMessageContaining("outcome of this batch is unknown");
      assertThat(store.isStopped()).isTrue();
      assertThat(store.stopCause()).hasRootCauseMessage("fsync: Input/output error (injected)");
      assertThat(storage.commitsEntered()).isEqualTo(2);
      List<Runnable> laterWrites =
          List.of(
              () -> store.append("s-2", noStream(), one()),
              () -> store.appendAll(List.of(new AppendRequest("s-3", noStream(), one()))),
              () -> store.delete("s-1", any()),
              () -> store.tombstone("s-1", any()));
      for (Runnable write : laterWrites) {
        assertThatThrownBy(write::run)
            .isInstanceOf(StoreClosedException.class)
            .hasMessageContaining("stopped after a storage failure")
            .hasRootCauseMessage("fsync: Input/output error (injected)");
      }
      assertThat(storage.commitsEntered())
          .as("nothing reached the storage after the failure")
          .isEqualTo(2);
    }
    try (FactumStore reopened = RocksDbEventStore.open(directory)) {
      assertThat(reopened.append("s-1", any(), List.of(unknown)))
          .isEqualTo(new AppendResult("s-1", 1, 1, 1, 1));
      assertThat(reopened.headPosition()).isEqualTo(1);
      assertThat(reopened.verify().ok()).isTrue();
    }
  }

  @Test
  void aFullQueueAnswersOverloadedAtOnceAndLosesNothingAccepted() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    StoreOptions tiny = StoreOptions.DEFAULT.withQueue(4, StoreOptions.DEFAULT.maxQueuedBytes());
    try (FactumStore store = FactumStore.open(storage, tiny)) {
      CountDownLatch release = storage.holdCommits();
      List<CompletableFuture<AppendResult>> accepted = new ArrayList<>();
      List<Throwable> rejected = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          CompletableFuture<AppendResult> f =
              store.appendAsync(new AppendRequest("s-" + i, noStream(), one()));
          if (f.isCompletedExceptionally()) {
            rejected.add(f.handle((r, e) -> e).join());
          } else {
            accepted.add(f);
          }
        }
      } finally {
        release.countDown();
      }
      assertThat(rejected).isNotEmpty().allMatch(e -> e instanceof OverloadedException);
      // the queue's 4, plus what the writer had taken into the batch held in commit
      assertThat(accepted.size()).isGreaterThanOrEqualTo(4).isEqualTo(50 - rejected.size());
      for (CompletableFuture<AppendResult> f : accepted) {
        assertThat(f.get(10, TimeUnit.SECONDS).lastRevision()).isEqualTo(0);
      }
      assertThat(store.headPosition()).isEqualTo(accepted.size() - 1);
    }
  }

  @Test
  void anAppendThatFailedWithStorageFullIsRetriedExactlyAfterReopening() {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    List<EventData> batch = List.of(EventData.json("T", "{}").withId(UUID.randomUUID()));
    try (FactumStore store = FactumStore.open(storage)) {
      storage.failNextCommit(() -> new StorageFullException("no space left (injected)"));
      assertThatThrownBy(() -> store.append("s-1", noStream(), batch))
          .isInstanceOf(StorageFullException.class);
    }
    try (FactumStore reopened = RocksDbEventStore.open(directory)) {
      AppendResult first = reopened.append("s-1", noStream(), batch);
      assertThat(reopened.append("s-1", noStream(), batch)).isEqualTo(first);
      assertThat(reopened.headPosition()).isEqualTo(0);
    }
  }

  @Test
  void blockingCallsFromACompletionCallbackAreRefusedInsteadOfDeadlocking() throws Exception {
    FaultInjectingStorage storage = new FaultInjectingStorage(RocksDbStorage.open(directory));
    try (FactumStore store = FactumStore.open(storage)) {
      // Hold the commit so that the callback is attached before the future completes, and so runs
      // on the store's pipeline thread rather than on this one.
      CountDownLatch release = storage.holdCommits();
      CompletableFuture<Throwable> refused =
          store
              .appendAsync(new AppendRequest("s-1", noStream(), one()))
              .handle(
                  (result, error) -> {
                    try {
                      store.append("s-2", any(), one());
                      return null;
                    } catch (IllegalStateException e) {
                      return e;
                    }
                  });
      release.countDown();
      assertThat(refused.get(10, TimeUnit.SECONDS)).hasMessageContaining("deadlock");
      CompletableFuture<AppendResult> chained =
          store
              .appendAsync(new AppendRequest("s-1", any(), one()))
              .thenCompose(r -> store.appendAsync(new AppendRequest("s-1", any(), one())));
      assertThat(chained.get(10, TimeUnit.SECONDS).lastRevision()).isEqualTo(2);
    }
  }
}
