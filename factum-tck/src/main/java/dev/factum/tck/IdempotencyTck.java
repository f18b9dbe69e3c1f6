package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Retries by event id: durable, exact, and never a silent partial match. */
public abstract class IdempotencyTck extends TckSupport {

  @Test
  void anExactRetryReturnsTheOriginalResultAndWritesNothing() {
    List<EventData> batch = List.of(withId(event(1)), withId(event(2)));
    AppendResult original = store.append("s-1", noStream(), batch);
    store.append("s-1", any(), events(1));
    AppendResult retried = store.append("s-1", noStream(), batch);
    assertThat(retried).isEqualTo(original);
    assertThat(readWholeStream("s-1")).hasSize(3);
  }

  @Test
  void retriesStayIdempotentAfterARestart() {
    List<EventData> batch = List.of(withId(event(1)));
    AppendResult original = store.append("s-1", noStream(), batch);
    reopen();
    assertThat(store.append("s-1", noStream(), batch)).isEqualTo(original);
    assertThat(readWholeLog(LogFilter.none())).hasSize(1);
  }

  @Test
  void retriesAreIdempotentEvenWithAnOldExpectedRevisionLongAfter() {
    store.append("s-1", noStream(), events(2));
    List<EventData> batch = List.of(withId(event(9)));
    AppendResult original = store.append("s-1", exact(1), batch);
    for (int i = 0; i < 50; i++) {
      store.append("s-1", any(), events(1));
    }
    assertThat(store.append("s-1", exact(1), batch)).isEqualTo(original);
  }

  @Test
  void aPartialMatchIsAConflictAndWritesNothing() {
    EventData a = withId(event(1));
    EventData b = withId(event(2));
    store.append("s-1", noStream(), List.of(a));
    long head = store.headPosition();
    assertThatThrownBy(() -> store.append("s-1", any(), List.of(a, b)))
        .isInstanceOf(IdempotencyConflictException.class);
    assertThat(store.headPosition()).isEqualTo(head);
  }

  @Test
  void theSameIdInAnotherStreamOrWithOtherDataIsAConflict() {
    EventData a = withId(event(1));
    store.append("s-1", noStream(), List.of(a));
    assertThatThrownBy(() -> store.append("s-2", any(), List.of(a)))
        .isInstanceOf(IdempotencyConflictException.class);
    EventData changed = EventData.json(a.type(), "{\"n\":999}").withId(a.id());
    assertThatThrownBy(() -> store.append("s-1", any(), List.of(changed)))
        .isInstanceOf(IdempotencyConflictException.class);
    assertThat(store.headPosition()).isEqualTo(0);
  }

  @Test
  void eventsInADifferentOrderAreNotARetry() {
    EventData a = withId(event(1));
    EventData b = withId(event(2));
    store.append("s-1", noStream(), List.of(a, b));
    assertThatThrownBy(() -> store.append("s-1", any(), List.of(b, a)))
        .isInstanceOf(IdempotencyConflictException.class);
  }

  @Test
  void concurrentRetriesOfOneAppendCommitItOnce() throws Exception {
    List<EventData> batch = List.of(withId(event(1)), withId(event(2)));
    List<CompletableFuture<AppendResult>> attempts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      attempts.add(store.appendAsync(new AppendRequest("s-1", noStream(), batch)));
    }
    for (CompletableFuture<AppendResult> attempt : attempts) {
      assertThat(attempt.get()).isEqualTo(new AppendResult("s-1", 0, 1, 0, 1));
    }
    assertThat(readWholeLog(LogFilter.none())).hasSize(2);
  }

  @Test
  void aMultiStreamAppendIsRetriedWhole() {
    List<AppendRequest> parts =
        List.of(
            new AppendRequest("a-1", noStream(), List.of(withId(event(1)))),
            new AppendRequest("b-1", noStream(), List.of(withId(event(2)))));
    MultiAppendResult original = store.appendAll(parts);
    assertThat(store.appendAll(parts)).isEqualTo(original);
    assertThat(readWholeLog(LogFilter.none())).hasSize(2);
  }

  @Test
  void aMultiStreamAppendRetryingOnlySomeOfItsPartsIsAConflictAndWritesNothing() {
    AppendRequest committed = new AppendRequest("a-1", noStream(), List.of(withId(event(1))));
    store.append(committed);
    AppendRequest fresh = new AppendRequest("b-1", noStream(), List.of(withId(event(2))));
    for (List<AppendRequest> parts :
        List.of(List.of(committed, fresh), List.of(fresh, committed))) {
      assertThatThrownBy(() -> store.appendAll(parts))
          .as("parts %s", parts.stream().map(AppendRequest::stream).toList())
          .isInstanceOf(IdempotencyConflictException.class);
    }
    assertThat(readWholeLog(LogFilter.none())).hasSize(1);
    assertThat(store.streamState("b-1").exists()).isFalse();
  }
}
