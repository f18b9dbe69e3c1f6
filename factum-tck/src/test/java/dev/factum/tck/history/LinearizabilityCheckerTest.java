package dev.factum.tck.history;

import static dev.factum.tck.history.Operation.ANY;
import static dev.factum.tck.history.Operation.NO_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Query;
import dev.factum.tck.history.LinearizabilityChecker.Kind;
import dev.factum.tck.history.LinearizabilityChecker.Report;
import dev.factum.tck.history.Operation.Append;
import dev.factum.tck.history.Operation.AppendOutcome;
import dev.factum.tck.history.Operation.Conflict;
import dev.factum.tck.history.Operation.Ok;
import dev.factum.tck.history.Operation.Read;
import dev.factum.tck.history.Operation.ReadEvent;
import dev.factum.tck.history.Operation.Unknown;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The checker fed hand-made histories: a legal one passes, and each kind of violation is caught
 * (and named). A checker that cannot fail proves nothing.
 */
class LinearizabilityCheckerTest {
  private long ids;

  private List<UUID> events(int count) {
    List<UUID> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(new UUID(7, ids++));
    }
    return list;
  }

  private Append append(
      int client,
      String stream,
      long expected,
      int events,
      long from,
      long to,
      AppendOutcome outcome) {
    return new Append(client, stream, expected, events(events), from, to, outcome);
  }

  private static Ok ok(long revision, long position, int events) {
    return new Ok(revision, revision + events - 1, position, position + events - 1);
  }

  /**
   * A read returning, in order, the events of {@code appends} at {@code revisions} and positions.
   */
  private static Read read(int client, String stream, long from, long to, Object... triples) {
    List<ReadEvent> events = new ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      events.add(new ReadEvent((UUID) triples[i], (Long) triples[i + 1], (Long) triples[i + 2]));
    }
    return new Read(client, stream, events, from, to);
  }

  private static Report check(Operation... history) {
    return LinearizabilityChecker.check(List.of(history));
  }

  private static void assertCaught(Report report, Kind kind) {
    assertThat(report.ok()).as(report.toString()).isFalse();
    assertThat(report.violations())
        .extracting(LinearizabilityChecker.Violation::kind)
        .contains(kind);
  }

  @Test
  void aLegalHistoryWithConflictsAndAnUnknownOutcomePasses() {
    Append first = append(1, "s", NO_STREAM, 1, 0, 10, ok(0, 0, 1));
    Append loser = append(2, "s", NO_STREAM, 1, 5, 15, new Conflict(0));
    Append second = append(2, "s", 0, 2, 20, 30, ok(1, 1, 2));
    Append other = append(3, "t", ANY, 1, 21, 31, ok(0, 3, 1));
    Append unknown = append(3, "s", ANY, 1, 40, 50, new Unknown("timeout"));
    Append stale = append(1, "s", 0, 1, 35, 55, new Conflict(3));
    Read midway =
        read(1, "s", 32, 34, id(first, 0), 0L, 0L, id(second, 0), 1L, 1L, id(second, 1), 2L, 2L);
    Read last =
        read(
            4,
            "s",
            60,
            70,
            id(first, 0),
            0L,
            0L,
            id(second, 0),
            1L,
            1L,
            id(second, 1),
            2L,
            2L,
            id(unknown, 0),
            3L,
            4L);
    Report report = check(first, loser, second, other, midway, unknown, stale, last);
    assertThat(report.ok()).as(report.toString()).isTrue();
    assertThat(report.appended()).isEqualTo(3);
    assertThat(report.conflicts()).isEqualTo(2);
    assertThat(report.unknown()).isEqualTo(1);
    assertThat(report.reads()).isEqualTo(2);
  }

  private static UUID id(Append append, int index) {
    return append.eventIds().get(index);
  }

  @Test
  void twoWinnersForOneExpectedRevision() {
    assertCaught(
        check(
            append(1, "s", NO_STREAM, 1, 0, 10, ok(0, 0, 1)),
            append(2, "s", 0, 1, 0, 10, ok(1, 1, 1)),
            append(3, "s", 0, 1, 0, 10, ok(2, 2, 1))),
        Kind.DUPLICATE_WINNER);
  }

  @Test
  void anExactAppendLandingElsewhere() {
    assertCaught(
        check(
            append(1, "s", ANY, 3, 0, 10, ok(0, 0, 3)), append(2, "s", 0, 1, 20, 30, ok(3, 3, 1))),
        Kind.WRONG_REVISION);
  }

  @Test
  void twoAppendsSharingARevisionOrAPosition() {
    assertCaught(
        check(
            append(1, "s", ANY, 1, 0, 10, ok(0, 0, 1)), append(2, "s", ANY, 1, 0, 10, ok(0, 1, 1))),
        Kind.OVERLAP);
    assertCaught(
        check(
            append(1, "s", ANY, 2, 0, 10, ok(0, 0, 2)), append(2, "t", ANY, 1, 0, 10, ok(0, 1, 1))),
        Kind.DUPLICATE_POSITION);
  }

  @Test
  void aConflictNoAppendExplains() {
    // Nothing ever took revision 0.
    assertCaught(
        check(append(1, "s", NO_STREAM, 1, 0, 10, new Conflict(0))), Kind.UNEXPLAINED_CONFLICT);
    // The append that took revision 0 began only after the conflict was answered.
    assertCaught(
        check(
            append(1, "s", NO_STREAM, 1, 0, 10, new Conflict(0)),
            append(2, "s", NO_STREAM, 1, 11, 20, ok(0, 0, 1))),
        Kind.UNEXPLAINED_CONFLICT);
    // A conflict that says the stream is where it was expected.
    assertCaught(
        check(
            append(2, "s", NO_STREAM, 1, 0, 5, ok(0, 0, 1)),
            append(1, "s", 0, 1, 10, 20, new Conflict(0))),
        Kind.UNEXPLAINED_CONFLICT);
    // An append with expected revision any never conflicts.
    assertCaught(check(append(1, "s", ANY, 1, 0, 10, new Conflict(3))), Kind.UNEXPLAINED_CONFLICT);
  }

  @Test
  void aConflictReportingAnOldRevision() {
    assertCaught(
        check(
            append(1, "s", NO_STREAM, 3, 0, 10, ok(0, 0, 3)),
            append(2, "s", 0, 1, 20, 30, new Conflict(1))),
        Kind.STALE_CONFLICT);
  }

  @Test
  void aLaterAppendAtALowerPosition() {
    assertCaught(
        check(
            append(1, "s", ANY, 1, 0, 10, ok(0, 5, 1)),
            append(2, "t", ANY, 1, 20, 30, ok(0, 3, 1))),
        Kind.REAL_TIME_ORDER);
  }

  @Test
  void streamOrderDisagreeingWithTheLog() {
    assertCaught(
        check(
            append(1, "s", ANY, 1, 0, 10, ok(0, 5, 1)), append(2, "s", ANY, 1, 0, 10, ok(1, 3, 1))),
        Kind.ORDER);
  }

  @Test
  void aReadThatIsNotAPrefix() {
    Append a = append(1, "s", ANY, 2, 0, 10, ok(0, 0, 2));
    assertCaught(check(a, read(2, "s", 20, 30, id(a, 1), 1L, 1L)), Kind.NOT_A_PREFIX);
  }

  @Test
  void aReadMissingWhatCompletedBeforeIt() {
    Append a = append(1, "s", ANY, 1, 0, 10, ok(0, 0, 1));
    Append b = append(1, "s", ANY, 1, 11, 15, ok(1, 1, 1));
    assertCaught(check(a, b, read(2, "s", 20, 30, id(a, 0), 0L, 0L)), Kind.STALE_READ);
  }

  @Test
  void aReadGoingBackInTime() {
    Append a = append(1, "s", ANY, 1, 0, 100, ok(0, 0, 1));
    assertCaught(
        check(a, read(2, "s", 10, 20, id(a, 0), 0L, 0L), read(3, "s", 30, 40)), Kind.STALE_READ);
  }

  @Test
  void aReadReturningWhatWasNeverAppendedOrNotYetSent() {
    Append a = append(1, "s", ANY, 1, 0, 10, ok(0, 0, 1));
    assertCaught(
        check(a, read(2, "s", 20, 30, id(a, 0), 0L, 0L, new UUID(9, 9), 1L, 1L)), Kind.PHANTOM);
    Append later = append(1, "s", ANY, 1, 50, 60, ok(0, 0, 1));
    assertCaught(check(later, read(2, "s", 20, 30, id(later, 0), 0L, 0L)), Kind.PHANTOM);
    Append elsewhere = append(1, "t", ANY, 1, 0, 10, ok(0, 0, 1));
    assertCaught(check(elsewhere, read(2, "s", 20, 30, id(elsewhere, 0), 0L, 0L)), Kind.PHANTOM);
  }

  @Test
  void aReadShowingHalfAnAppend() {
    Append a = append(1, "s", ANY, 2, 0, 100, ok(0, 0, 2));
    assertCaught(check(a, read(2, "s", 20, 30, id(a, 0), 0L, 0L)), Kind.PARTIAL_READ);
  }

  @Test
  void anEventSeenWhereItWasNotAcknowledged() {
    Append a = append(1, "s", ANY, 1, 0, 10, ok(0, 4, 1));
    assertCaught(check(a, read(2, "s", 20, 30, id(a, 0), 0L, 7L)), Kind.DIVERGENT);
  }

  @Test
  void theCheckerScalesToLongHistories() {
    List<Operation> history = new ArrayList<>();
    long position = 0;
    for (int i = 0; i < 200_000; i++) {
      String stream = "s" + i % 100;
      long revision = i / 100;
      history.add(
          append(
              i % 16, stream, revision - 1, 1, i * 10L, i * 10L + 5, ok(revision, position++, 1)));
      history.add(
          append(
              i % 16, stream, revision - 1, 1, i * 10L + 1, i * 10L + 6, new Conflict(revision)));
    }
    long started = System.nanoTime();
    Report report = LinearizabilityChecker.check(history);
    assertThat(report.ok()).as(report.toString()).isTrue();
    assertThat(System.nanoTime() - started).as("nanoseconds to check").isLessThan(20_000_000_000L);
  }

  // ---- DCB conditions

  private Append conditional(
      int client, String type, String tag, long after, long from, long to, AppendOutcome outcome) {
    return new Append(
        client,
        "d-" + client,
        ANY,
        events(1),
        from,
        to,
        outcome,
        List.of(new Operation.EventFacts(type, Set.of(tag))),
        new Operation.Condition(Query.tags(tag), after));
  }

  @Test
  void conditionalAppendsThatHeldAndFailedOnTheFirstConflictPass() {
    Append first = conditional(1, "T", "k", -1, 0, 10, ok(0, 0, 1));
    Append second = conditional(2, "T", "k", 0, 20, 30, ok(0, 1, 1));
    Append stale = conditional(3, "T", "k", 0, 25, 40, new Operation.ConditionFailed(1));
    Append unrelated = conditional(4, "T", "other", -1, 5, 45, ok(0, 2, 1));
    Report report = check(first, second, stale, unrelated);
    assertThat(report.ok()).as(report.toString()).isTrue();
  }

  @Test
  void aConditionalAppendThatLandedAfterAMatchingEventIsCaught() {
    Append first = conditional(1, "T", "k", -1, 0, 10, ok(0, 0, 1));
    Append blind = conditional(2, "T", "k", -1, 5, 30, ok(0, 1, 1));
    assertCaught(check(first, blind), Kind.CONDITION_VIOLATED);
  }

  @Test
  void aConditionFailureWithoutARealConflictIsCaught() {
    Append first = conditional(1, "T", "k", -1, 0, 10, ok(0, 0, 1));
    Append other = conditional(2, "T", "other", -1, 0, 10, ok(0, 1, 1));
    assertCaught(
        check(first, other, conditional(3, "T", "k", 0, 20, 30, new Operation.ConditionFailed(1))),
        Kind.UNEXPLAINED_CONDITION_FAILURE);
    assertCaught(
        check(first, other, conditional(3, "T", "k", 0, 20, 30, new Operation.ConditionFailed(0))),
        Kind.UNEXPLAINED_CONDITION_FAILURE);
    Append later = conditional(4, "T", "k", -1, 50, 60, ok(0, 2, 1));
    assertCaught(
        check(first, later, conditional(3, "T", "k", -1, 20, 30, new Operation.ConditionFailed(2))),
        Kind.UNEXPLAINED_CONDITION_FAILURE);
  }

  @Test
  void aConditionFailureNamingALaterConflictThanTheFirstIsCaught() {
    Append first = conditional(1, "T", "k", -1, 0, 10, ok(0, 0, 1));
    Append second = conditional(2, "T", "k", 0, 0, 20, ok(0, 1, 1));
    assertCaught(
        check(
            first, second, conditional(3, "T", "k", -1, 25, 30, new Operation.ConditionFailed(1))),
        Kind.UNEXPLAINED_CONDITION_FAILURE);
  }
}
