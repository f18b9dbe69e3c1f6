package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the stager decides, seen in the commit batches that reach the storage: conflicts against
 * commands earlier in the same batch and against storage, multi-stream atomicity, the deletion
 * event staged with its head change, and imports at their own revisions and timestamps.
 */
class BatchStagerTest {
  private FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
  private FactumStore store = FactumStore.open(storage);

  private static List<EventData> one() {
    return List.of(EventData.json("T", "{}"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Queues the commands behind a held commit, so that they are staged as one batch. */
  private List<CompletableFuture<?>> inOneBatch(List<Supplier<CompletableFuture<?>>> commands)
      throws Exception {
    int held = storage.commitsEntered() + 1;
    CountDownLatch release = storage.holdCommits();
    CompletableFuture<AppendResult> first =
        store.appendAsync(new AppendRequest("first", any(), one()));
    storage.awaitCommitEntered(held);
    List<CompletableFuture<?>> futures =
        commands.stream().<CompletableFuture<?>>map(c -> c.get()).toList();
    release.countDown();
    first.join();
    for (CompletableFuture<?> f : futures) {
      f.handle((r, e) -> null).join();
    }
    return futures;
  }

  private static Throwable failure(CompletableFuture<?> future) {
    return future.handle((r, e) -> e instanceof CompletionException ? e.getCause() : e).join();
  }

  @Test
  void eachCommandSeesTheCommandsStagedBeforeItInTheSameBatch() throws Exception {
    List<CompletableFuture<?>> f =
        inOneBatch(
            List.of(
                () -> store.appendAsync(new AppendRequest("s", noStream(), one())),
                () -> store.appendAsync(new AppendRequest("s", noStream(), one())),
                () -> store.appendAsync(new AppendRequest("s", exact(0), one()))));
    assertThat(f.get(0).join()).isEqualTo(new AppendResult("s", 0, 0, 1, 1));
    assertThat(failure(f.get(1)))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class, e -> assertThat(e.actualRevision()).isZero());
    assertThat(f.get(2).join()).isEqualTo(new AppendResult("s", 1, 1, 2, 2));
    CommitBatch batch = storage.durableBatches().getLast();
    assertThat(batch.events()).extracting(RecordedEvent::position).containsExactly(1L, 2L);
  }

  @Test
  void aBatchHandsItsRecordsToTheStorageInKeyOrder() throws Exception {
    byte[] value = {1};
    inOneBatch(
        List.of(
            () ->
                store
                    .records()
                    .submit(
                        List.of(
                            RecordWrite.put("ns-b", "k-2", value, RecordWrite.ANY),
                            RecordWrite.delete("ns-b", "k-9", RecordWrite.ANY),
                            RecordWrite.put("ns-a", "k-3", value, RecordWrite.ANY)),
                        RecordGuard.NONE),
            () ->
                store
                    .records()
                    .submit(
                        List.of(
                            RecordWrite.put("ns-b", "k-1", value, RecordWrite.ANY),
                            RecordWrite.delete("ns-a", "k-0", RecordWrite.ANY)),
                        RecordGuard.NONE)));
    CommitBatch batch = storage.durableBatches().getLast();
    assertThat(batch.records())
        .extracting(r -> r.namespace() + "/" + r.key())
        .containsExactly("ns-a/k-3", "ns-b/k-1", "ns-b/k-2");
    assertThat(batch.deletedRecords())
        .extracting(k -> k.namespace() + "/" + k.key())
        .containsExactly("ns-a/k-0", "ns-b/k-9");
  }

  @Test
  void aBatchAfterOneAboveTheClearLimitCarriesOnlyWhatItStaged() throws Exception {
    int many = BatchStager.CLEAR_LIMIT + 50;
    byte[] value = {1};
    List<Supplier<CompletableFuture<?>>> large = new ArrayList<>();
    List<RecordWrite> writes = new ArrayList<>();
    for (int i = 0; i < many; i++) {
      String stream = "big-" + i;
      large.add(() -> store.appendAsync(new AppendRequest(stream, noStream(), one())));
      writes.add(RecordWrite.put("ns", "put-" + i, value, RecordWrite.ANY));
      writes.add(RecordWrite.delete("ns", "gone-" + i, RecordWrite.ANY));
    }
    large.add(() -> store.records().submit(writes, RecordGuard.NONE));
    inOneBatch(large);
    CommitBatch big = storage.durableBatches().getLast();
    assertThat(big.heads()).hasSize(many);
    assertThat(big.records()).hasSize(many);
    assertThat(big.deletedRecords()).hasSize(many);

    // the stager's tables were replaced, not cleared: the next batches hold only their own
    inOneBatch(
        List.of(
            () -> store.appendAsync(new AppendRequest("small", noStream(), one())),
            () ->
                store
                    .records()
                    .submit(
                        List.of(
                            RecordWrite.put("ns", "put-0", value, 1),
                            RecordWrite.delete("ns", "put-1", 1)),
                        RecordGuard.NONE)));
    CommitBatch small = storage.durableBatches().getLast();
    assertThat(small.heads()).containsOnlyKeys("small");
    assertThat(small.events()).extracting(RecordedEvent::stream).containsExactly("small");
    assertThat(small.records())
        .singleElement()
        .satisfies(r -> assertThat(r.key() + "@" + r.version()).isEqualTo("put-0@2"));
    assertThat(small.deletedRecords()).extracting(k -> k.key()).containsExactly("put-1");
    // what the large batch committed is still what the writer knows
    assertThat(store.append("big-7", exact(0), one()).firstRevision()).isEqualTo(1);
    assertThat(store.records().read("ns", "put-1")).isNull();
    assertThat(store.records().read("ns", "put-2").version()).isEqualTo(1);
  }

  @Test
  void aConflictIsFoundAgainstStorageWhenTheHeadIsNotCached() {
    store.append("s", noStream(), List.of(EventData.json("T", "{}"), EventData.json("T", "{}")));
    store.close();
    storage = new FaultInjectingStorage(((InMemoryStorage) storage.real()).reopen());
    store = FactumStore.open(storage);
    assertThatThrownBy(() -> store.append("s", exact(0), one()))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class, e -> assertThat(e.actualRevision()).isEqualTo(1));
    assertThat(storage.commitsEntered()).isZero();
    assertThat(store.append("s", exact(1), one()).firstRevision()).isEqualTo(2);
  }

  @Test
  void aMultiStreamAppendWithOneFailingPartWritesNoneOfItsParts() throws Exception {
    List<CompletableFuture<?>> f =
        inOneBatch(
            List.of(
                () ->
                    store.appendAllAsync(
                        List.of(
                            new AppendRequest("a", noStream(), one()),
                            new AppendRequest("b", exact(5), one()))),
                () -> store.appendAsync(new AppendRequest("c", noStream(), one()))));
    assertThat(failure(f.get(0))).isInstanceOf(WrongExpectedRevisionException.class);
    assertThat(f.get(1).join()).isEqualTo(new AppendResult("c", 0, 0, 1, 1));
    CommitBatch batch = storage.durableBatches().getLast();
    assertThat(batch.events()).extracting(RecordedEvent::stream).containsExactly("c");
    assertThat(batch.heads()).containsOnlyKeys("c");
    assertThat(store.streamState("a").status()).isEqualTo(StreamState.Status.NONE);
    MultiAppendResult both =
        store.appendAll(
            List.of(
                new AppendRequest("a", noStream(), one()),
                new AppendRequest("b", noStream(), one())));
    assertThat(both.results()).extracting(AppendResult::firstPosition).containsExactly(2L, 3L);
    assertThat(storage.durableBatches().getLast().events()).hasSize(2);
  }

  @Test
  void aDeleteCommitsItsDeletionEventInTheSameBatchAsTheHeadChange() {
    store.append(
        "order-1", noStream(), List.of(EventData.json("T", "{}"), EventData.json("T", "{}")));
    store.delete("order-1", any());
    CommitBatch delete = storage.durableBatches().getLast();
    assertThat(delete.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.stream()).isEqualTo(StreamDeletion.STREAM);
              assertThat(e.type()).isEqualTo(StreamDeletion.DELETED);
              assertThat(e.category()).isEqualTo("order");
              assertThat(e.deletion()).contains(new StreamDeletion("order-1", 2, false));
            });
    assertThat(delete.heads()).containsOnlyKeys("order-1", StreamDeletion.STREAM);
    assertThat(delete.heads().get("order-1").firstVisibleRevision()).isEqualTo(2);
    int commits = storage.commitsEntered();
    store.delete("order-1", any());
    assertThat(storage.commitsEntered())
        .as("a repeated soft delete commits nothing")
        .isEqualTo(commits);
    store.tombstone("order-1", any());
    assertThat(storage.durableBatches().getLast().events())
        .singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(StreamDeletion.TOMBSTONED));
    commits = storage.commitsEntered();
    assertThatThrownBy(() -> store.tombstone("order-1", any()))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(storage.commitsEntered()).isEqualTo(commits);
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.categories("order")).events())
        .extracting(RecordedEvent::position)
        .containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void anImportKeepsRevisionsIdsAndTimestampsAndARerunCommitsNothing() {
    store.append(
        "s",
        noStream(),
        List.of(EventData.json("T", "{\"n\":1}"), EventData.json("T", "{\"n\":2}")));
    store.append("t", noStream(), one());
    store.delete("s", any());
    List<RecordedEvent> exported =
        store.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events();
    FaultInjectingStorage target = FaultInjectingStorage.inMemory();
    try (FactumStore copy = FactumStore.open(target)) {
      ImportResult imported = copy.importEvents(exported);
      assertThat(imported.events()).isEqualTo(4);
      assertThat(copy.readAll(0, Direction.FORWARD, 100, LogFilter.none()).events())
          .isEqualTo(exported);
      assertThat(copy.streamHead("s").firstVisibleRevision()).isEqualTo(2);
      int commits = target.commitsEntered();
      assertThat(copy.importEvents(exported)).isEqualTo(imported);
      assertThat(target.commitsEntered()).isEqualTo(commits);
      RecordedEvent older =
          new RecordedEvent(
              UUID.randomUUID(),
              "u",
              0,
              4,
              Instant.EPOCH,
              "T",
              EventData.JSON,
              "{}".getBytes(StandardCharsets.UTF_8),
              null,
              Set.of());
      assertThatThrownBy(() -> copy.importEvents(List.of(older)))
          .isInstanceOf(InvalidArgumentException.class);
      assertThat(target.commitsEntered()).isEqualTo(commits);
      assertThat(copy.verify().ok()).isTrue();
    }
  }
}
