package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.exists;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Appends: expected revisions, atomicity, positions, and exact round-trips of event fields. */
public abstract class AppendTck extends TckSupport {

  @Test
  void firstAppendStartsAtRevisionZeroAndPositionZero() {
    AppendResult result = store.append("order-1", noStream(), events(3));
    assertThat(result).isEqualTo(new AppendResult("order-1", 0, 2, 0, 2));
    assertThat(result.nextExpectedRevision()).isEqualTo(2);
    assertThat(store.headPosition()).isEqualTo(2);
    assertThat(store.streamState("order-1"))
        .isEqualTo(new StreamState("order-1", StreamState.Status.ACTIVE, 2));
  }

  @Test
  void everyExpectationIsHonouredOnANewStream() {
    assertConflict(() -> store.append("a-1", exists(), events(1)), -1);
    assertConflict(() -> store.append("a-1", exact(0), events(1)), -1);
    assertThat(store.append("a-1", any(), events(1)).lastRevision()).isEqualTo(0);
    assertThat(store.append("b-1", noStream(), events(1)).lastRevision()).isEqualTo(0);
  }

  @Test
  void everyExpectationIsHonouredOnAnExistingStream() {
    store.append("a-1", noStream(), events(2));
    assertConflict(() -> store.append("a-1", noStream(), events(1)), 1);
    assertConflict(() -> store.append("a-1", exact(0), events(1)), 1);
    assertConflict(() -> store.append("a-1", exact(2), events(1)), 1);
    assertThat(store.append("a-1", exact(1), events(1)).lastRevision()).isEqualTo(2);
    assertThat(store.append("a-1", exists(), events(1)).lastRevision()).isEqualTo(3);
    assertThat(store.append("a-1", any(), events(2)))
        .isEqualTo(new AppendResult("a-1", 4, 5, 4, 5));
    assertThat(revisions(readWholeStream("a-1"))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void aConflictWritesNothing() {
    store.append("a-1", noStream(), events(1));
    long head = store.headPosition();
    assertConflict(() -> store.append("a-1", exact(7), events(5)), 0);
    assertThat(store.headPosition()).isEqualTo(head);
    assertThat(readWholeStream("a-1")).hasSize(1);
    assertThat(readWholeLog(LogFilter.none())).hasSize(1);
  }

  @Test
  void conflictCarriesStreamExpectationAndActualRevision() {
    store.append("acct-9", noStream(), events(4));
    assertThatThrownBy(() -> store.append("acct-9", exact(1), events(1)))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.WRONG_EXPECTED_REVISION);
              assertThat(e.stream()).isEqualTo("acct-9");
              assertThat(e.expected()).isEqualTo(exact(1));
              assertThat(e.actualRevision()).isEqualTo(3);
            });
  }

  @Test
  void positionsAreDenseAndFollowCommitOrderAcrossStreams() {
    AppendResult a = store.append("a-1", any(), events(2));
    AppendResult b = store.append("b-1", any(), events(3));
    AppendResult c = store.append("a-1", any(), events(1));
    assertThat(List.of(a.firstPosition(), a.lastPosition())).containsExactly(0L, 1L);
    assertThat(List.of(b.firstPosition(), b.lastPosition())).containsExactly(2L, 4L);
    assertThat(List.of(c.firstPosition(), c.lastPosition())).containsExactly(5L, 5L);
    List<RecordedEvent> log = readWholeLog(LogFilter.none());
    assertThat(positions(log)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(log.stream().map(RecordedEvent::stream))
        .containsExactly("a-1", "a-1", "b-1", "b-1", "b-1", "a-1");
  }

  @Test
  void eventFieldsRoundTripByteForByte() {
    EventData sent =
        full("OrderPlaced", "{\"total\":12.5,\"ü\":\"✓\"}", "{\"user\":\"u-1\"}", "eu", "vip");
    EventData binary =
        new EventData(null, "Blob", EventData.BINARY, new byte[] {0, -1, 7, 0}, null, null);
    Instant before = Instant.now().minusSeconds(1);
    store.append("order-5", noStream(), List.of(sent, binary));
    List<RecordedEvent> read = readWholeStream("order-5");
    RecordedEvent first = read.get(0);
    assertThat(first.id()).isEqualTo(sent.id());
    assertThat(first.type()).isEqualTo("OrderPlaced");
    assertThat(first.contentType()).isEqualTo(EventData.JSON);
    assertThat(first.data()).isEqualTo(sent.data());
    assertThat(first.metadata()).isEqualTo(sent.metadata());
    assertThat(first.tags()).containsExactlyInAnyOrder("eu", "vip");
    assertThat(first.stream()).isEqualTo("order-5");
    assertThat(first.category()).isEqualTo("order");
    assertThat(first.timestamp()).isBetween(before, Instant.now().plus(Duration.ofSeconds(1)));
    RecordedEvent second = read.get(1);
    assertThat(second.id()).isNotNull().isNotEqualTo(first.id());
    assertThat(second.contentType()).isEqualTo(EventData.BINARY);
    assertThat(second.data()).containsExactly(0, -1, 7, 0);
    assertThat(second.metadata()).isNull();
    assertThat(second.tags()).isEmpty();
    assertThat(second.timestamp()).isEqualTo(first.timestamp());
    assertThat(store.readAll(0, Direction.FORWARD, 10, LogFilter.none()).events())
        .containsExactlyElementsOf(read);
  }

  @Test
  void timestampsNeverGoBackwardsAlongTheLog() {
    for (int i = 0; i < 20; i++) {
      store.append("t-" + (i % 3), any(), events(1 + i % 2));
    }
    List<RecordedEvent> log = readWholeLog(LogFilter.none());
    for (int i = 1; i < log.size(); i++) {
      assertThat(log.get(i).timestamp()).isAfterOrEqualTo(log.get(i - 1).timestamp());
    }
  }

  @Test
  void multiStreamAppendCommitsEverythingWithConsecutivePositions() {
    store.append("b-1", noStream(), events(2));
    MultiAppendResult result =
        store.appendAll(
            List.of(
                new AppendRequest("a-1", noStream(), events(2)),
                new AppendRequest("b-1", exact(1), events(1)),
                new AppendRequest("c-1", any(), events(3))));
    assertThat(result.results())
        .containsExactly(
            new AppendResult("a-1", 0, 1, 2, 3),
            new AppendResult("b-1", 2, 2, 4, 4),
            new AppendResult("c-1", 0, 2, 5, 7));
    assertThat(store.headPosition()).isEqualTo(7);
  }

  @Test
  void multiStreamAppendWithOneConflictWritesNothing() {
    store.append("b-1", noStream(), events(2));
    long head = store.headPosition();
    assertConflict(
        () ->
            store.appendAll(
                List.of(
                    new AppendRequest("a-1", noStream(), events(2)),
                    new AppendRequest("b-1", exact(0), events(1)))),
        1);
    assertThat(store.headPosition()).isEqualTo(head);
    assertThat(store.streamState("a-1").status()).isEqualTo(StreamState.Status.NONE);
    assertThat(readWholeStream("b-1")).hasSize(2);
  }

  @Test
  void multiStreamAppendMayTouchOneStreamTwiceInOrder() {
    MultiAppendResult result =
        store.appendAll(
            List.of(
                new AppendRequest("a-1", noStream(), events(1)),
                new AppendRequest("a-1", exact(0), events(1))));
    assertThat(result.results().get(1)).isEqualTo(new AppendResult("a-1", 1, 1, 1, 1));
  }

  @Test
  void aRejectedAppendInABatchDoesNotAffectTheOthers() throws Exception {
    store.append("hot-1", noStream(), events(1));
    var winners =
        IntStream.range(0, 50)
            .mapToObj(i -> store.appendAsync(request("cold-" + i, noStream(), event(i))))
            .toList();
    var losers =
        IntStream.range(0, 50)
            .mapToObj(i -> store.appendAsync(request("hot-1", exact(99), event(i))))
            .toList();
    for (var w : winners) {
      assertThat(w.get().lastRevision()).isEqualTo(0);
    }
    for (var l : losers) {
      assertThat(l)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(WrongExpectedRevisionException.class);
    }
    assertThat(store.headPosition()).isEqualTo(50);
  }

  static void assertConflict(Runnable append, long actualRevision) {
    assertThatThrownBy(append::run)
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            e -> assertThat(e.actualRevision()).isEqualTo(actualRevision));
  }
}
