package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.engine.testing.FaultInjectingStorage;
import dev.factum.engine.testing.InMemoryStorage;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries are recognised by event id against the committed state and the batch being staged, with
 * no time window: an exact retry returns the original result and commits nothing; anything else
 * that reuses ids is a conflict.
 */
class IdempotencyTest {
  private FaultInjectingStorage storage = FaultInjectingStorage.inMemory();
  private FactumStore store = FactumStore.open(storage);

  private static EventData withId(int n) {
    return EventData.json("T", "{\"n\":" + n + "}").withId(UUID.randomUUID());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void anExactRetryReturnsTheOriginalResultAndCommitsNothing() {
    List<EventData> events = List.of(withId(1), withId(2));
    AppendResult original = store.append("s", noStream(), events);
    store.append("s", any(), List.of(withId(3)));
    int commits = storage.commitsEntered();
    assertThat(store.append("s", noStream(), events)).isEqualTo(original);
    assertThat(storage.commitsEntered()).isEqualTo(commits);
    assertThat(store.headPosition()).isEqualTo(2);
  }

  @Test
  void aRetryQueuedInTheSameBatchAsTheOriginalIsRecognised() throws Exception {
    List<EventData> events = List.of(withId(1));
    CountDownLatch release = storage.holdCommits();
    CompletableFuture<AppendResult> first =
        store.appendAsync(new AppendRequest("x", any(), List.of(withId(0))));
    storage.awaitCommitEntered(1);
    CompletableFuture<AppendResult> original =
        store.appendAsync(new AppendRequest("s", noStream(), events));
    CompletableFuture<AppendResult> retry =
        store.appendAsync(new AppendRequest("s", noStream(), events));
    release.countDown();
    first.join();
    assertThat(retry.join())
        .isEqualTo(original.join())
        .isEqualTo(new AppendResult("s", 0, 0, 1, 1));
    assertThat(storage.durableBatches().getLast().events()).hasSize(1);
  }

  @Test
  void reusedIdsThatAreNotAnExactRetryAreAConflictAndWriteNothing() {
    EventData a = withId(1);
    EventData b = withId(2);
    store.append("s", noStream(), List.of(a, b));
    int commits = storage.commitsEntered();
    assertThatThrownBy(() -> store.append("other", noStream(), List.of(a, b)))
        .isInstanceOf(IdempotencyConflictException.class);
    assertThatThrownBy(() -> store.append("s", any(), List.of(a, withId(3))))
        .as("a partial overlap")
        .isInstanceOf(IdempotencyConflictException.class);
    assertThatThrownBy(() -> store.append("s", any(), List.of(b, a)))
        .as("the same ids in another order")
        .isInstanceOf(IdempotencyConflictException.class);
    assertThat(storage.commitsEntered()).isEqualTo(commits);
  }

  @Test
  void aRetryAfterReopeningIsFoundInStorage() {
    List<EventData> events = List.of(withId(1), withId(2));
    AppendResult original = store.append("s", noStream(), events);
    store.close();
    storage = new FaultInjectingStorage(((InMemoryStorage) storage.real()).reopen());
    store = FactumStore.open(storage);
    assertThat(store.append("s", noStream(), events)).isEqualTo(original);
    assertThat(storage.commitsEntered()).isZero();
  }
}
