package dev.factum.tck.history;

import dev.factum.tck.history.Operation.Append;
import dev.factum.tck.history.Operation.ConditionFailed;
import dev.factum.tck.history.Operation.Conflict;
import dev.factum.tck.history.Operation.Ok;
import dev.factum.tck.history.Operation.Read;
import dev.factum.tck.history.Operation.ReadEvent;
import dev.factum.tck.history.Operation.Unknown;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Checks a recorded history of appends and whole-stream reads, made by concurrent clients, against
 * what an event store with exact optimistic concurrency promises (Factum's invariants 1, 3 and 4
 * and the expected-revision contract), with real time as the judge.
 *
 * <p>Design note: a general linearizability search (Knossos, Porcupine) is exponential in the worst
 * case; an event store's history carries enough to avoid the search. Every successful append says
 * where it landed (revisions and positions), every read returns the events with theirs, so the
 * order the store chose is written in the history, and the checker only has to verify that this
 * order is legal and agrees with real time. Each rule is then a sort or a "max of what completed
 * before t" query ({@link CompletedBefore}): O(n log n), so long histories are cheap. The rules:
 *
 * <ol>
 *   <li>{@link Kind#DUPLICATE_WINNER}: at most one successful append per (stream, expected
 *       revision); {@link Kind#WRONG_REVISION}: an append with an exact expected revision {@code e}
 *       lands at {@code e + 1}; {@link Kind#OVERLAP}: appends to a stream never share a revision,
 *       and {@link Kind#DUPLICATE_POSITION} never share a position;
 *   <li>{@link Kind#UNEXPLAINED_CONFLICT}: every conflict with expected {@code e} and actual {@code
 *       a != e} is explained: some append, invoked before the conflict completed, landed at
 *       revision {@code e + 1} (when {@code a > e}) and at revision {@code a}; {@link
 *       Kind#STALE_CONFLICT}: {@code a} is not older than an append or read that completed before
 *       the conflicting append began;
 *   <li>{@link Kind#REAL_TIME_ORDER}: if append A completed before append B began, A's positions
 *       are lower than B's; {@link Kind#ORDER}: within a stream, revision order is position order;
 *   <li>reads: {@link Kind#NOT_A_PREFIX} a read returns revisions {@code 0..n-1}; {@link
 *       Kind#STALE_READ} including every append that completed, and every event an earlier read
 *       returned, before it began; {@link Kind#PHANTOM} only events appended to that stream by an
 *       append invoked before the read completed; {@link Kind#PARTIAL_READ} an append wholly or not
 *       at all; {@link Kind#DIVERGENT} the same event at the same revision and position wherever it
 *       is seen;
 *   <li>DCB conditions: {@link Kind#CONDITION_VIOLATED} a conditional append that succeeded has no
 *       matching event of a landed append between its {@code after} and its own first position, and
 *       one that failed never lands; {@link Kind#UNEXPLAINED_CONDITION_FAILURE} a failure names a
 *       landed matching event above {@code after}, of an append invoked before the failure
 *       completed, and the first such (positions are commit order, so an earlier match was
 *       committed before it too).
 * </ol>
 *
 * An append of unknown outcome may or may not have happened: it takes part once a read shows where
 * it landed, and is otherwise ignored. So a history should end with a read of every stream, made
 * after every other operation, which settles them all (otherwise a conflict that only an unknown
 * append explains is reported as unexplained).
 */
public final class LinearizabilityChecker {
  /** The rule a violation breaks. */
  public enum Kind {
    DUPLICATE_WINNER,
    WRONG_REVISION,
    OVERLAP,
    DUPLICATE_POSITION,
    UNEXPLAINED_CONFLICT,
    STALE_CONFLICT,
    REAL_TIME_ORDER,
    ORDER,
    NOT_A_PREFIX,
    STALE_READ,
    PHANTOM,
    PARTIAL_READ,
    DIVERGENT,
    CONDITION_VIOLATED,
    UNEXPLAINED_CONDITION_FAILURE
  }

  /** One broken rule, with the operations involved. */
  public record Violation(Kind kind, String detail) {}

  /** The verdict and what was checked. */
  public record Report(
      int operations,
      int appended,
      int conflicts,
      int unknown,
      int reads,
      long readEvents,
      long violationCount,
      List<Violation> violations) {
    public boolean ok() {
      return violationCount == 0;
    }

    @Override
    public String toString() {
      return String.format(
          "%d operations (%d appends ok, %d conflicts, %d unknown; %d reads returning %d events):"
              + " %s",
          operations,
          appended,
          conflicts,
          unknown,
          reads,
          readEvents,
          ok() ? "linearizable" : violationCount + " violations, first: " + violations);
    }
  }

  private static final int KEPT_VIOLATIONS = 50;

  /** Where an append's first event landed (from its acknowledgement or from a read). */
  private record Landing(long firstRevision, long firstPosition) {}

  private final Map<UUID, Append> appendOfEvent = new HashMap<>();
  private final Map<Append, Landing> landings = new HashMap<>();
  private final Map<String, List<Append>> appendsByStream = new HashMap<>();
  private final Map<String, List<Read>> readsByStream = new HashMap<>();
  private final List<Violation> violations = new ArrayList<>();
  private long violationCount;

  private LinearizabilityChecker() {}

  public static Report check(List<Operation> history) {
    return new LinearizabilityChecker().run(history);
  }

  private Report run(List<Operation> history) {
    int appended = 0;
    int conflicts = 0;
    int unknown = 0;
    int reads = 0;
    long readEvents = 0;
    for (Operation operation : history) {
      switch (operation) {
        case Append append -> {
          appendsByStream.computeIfAbsent(append.stream(), s -> new ArrayList<>()).add(append);
          for (UUID id : append.eventIds()) {
            if (appendOfEvent.put(id, append) != null) {
              throw new IllegalArgumentException("event id " + id + " sent by two appends");
            }
          }
          switch (append.outcome()) {
            case Ok ok -> {
              appended++;
              landed(append, ok);
            }
            case Conflict c -> conflicts++;
            case ConditionFailed c -> conflicts++;
            case Unknown u -> unknown++;
          }
        }
        case Read read -> {
          reads++;
          readEvents += read.events().size();
          readsByStream.computeIfAbsent(read.stream(), s -> new ArrayList<>()).add(read);
        }
      }
    }
    readsByStream.values().forEach(list -> list.forEach(this::placeReadEvents));
    checkWinners();
    checkPositions();
    readsByStream.forEach(this::checkReads);
    appendsByStream.forEach(this::checkConflicts);
    checkConditions();
    return new Report(
        history.size(),
        appended,
        conflicts,
        unknown,
        reads,
        readEvents,
        violationCount,
        List.copyOf(violations));
  }

  private void violation(Kind kind, String format, Object... args) {
    violationCount++;
    if (violations.size() < KEPT_VIOLATIONS) {
      violations.add(new Violation(kind, String.format(format, args)));
    }
  }

  private void landed(Append append, Ok ok) {
    int size = append.eventIds().size();
    if (ok.lastRevision() - ok.firstRevision() != size - 1
        || ok.lastPosition() - ok.firstPosition() != size - 1) {
      violation(Kind.OVERLAP, "%s was acknowledged with ranges that do not fit its events", append);
    }
    landings.put(append, new Landing(ok.firstRevision(), ok.firstPosition()));
  }

  /** Every event a read returned: sent to this stream, and where its append says it is. */
  private void placeReadEvents(Read read) {
    for (ReadEvent event : read.events()) {
      Append append = appendOfEvent.get(event.id());
      if (append == null || !append.stream().equals(read.stream())) {
        violation(Kind.PHANTOM, "%s returned %s, never appended to that stream", read, event);
        continue;
      }
      if (append.invokedAt() > read.completedAt()) {
        violation(Kind.PHANTOM, "%s returned %s of %s, invoked after it", read, event, append);
      }
      int index = append.eventIds().indexOf(event.id());
      Landing seen = new Landing(event.revision() - index, event.position() - index);
      Landing known = landings.putIfAbsent(append, seen);
      if (known != null && !known.equals(seen)) {
        violation(
            Kind.DIVERGENT,
            "%s returned %s, but %s landed at revision %d position %d",
            read,
            event,
            append,
            known.firstRevision(),
            known.firstPosition());
      }
    }
  }

  private long lastRevision(Append append) {
    return landings.get(append).firstRevision() + append.eventIds().size() - 1;
  }

  private long lastPosition(Append append) {
    return landings.get(append).firstPosition() + append.eventIds().size() - 1;
  }

  /** One winner per expected revision, landing where expected; no shared revisions. */
  private void checkWinners() {
    for (Map.Entry<String, List<Append>> entry : appendsByStream.entrySet()) {
      Map<Long, Append> winners = new HashMap<>();
      List<Append> landed = new ArrayList<>();
      for (Append append : entry.getValue()) {
        if (append.outcome() instanceof Ok && append.exact()) {
          Append other = winners.putIfAbsent(append.expected(), append);
          if (other != null) {
            violation(
                Kind.DUPLICATE_WINNER,
                "%s and %s both succeeded expecting revision %d",
                other,
                append,
                append.expected());
          }
        }
        Landing landing = landings.get(append);
        if (landing == null) {
          continue;
        }
        landed.add(append);
        if (append.exact() && landing.firstRevision() != append.expected() + 1) {
          violation(
              Kind.WRONG_REVISION,
              "%s expected revision %d but landed at %d",
              append,
              append.expected(),
              landing.firstRevision());
        }
      }
      landed.sort(Comparator.comparingLong(a -> landings.get(a).firstRevision()));
      for (int i = 1; i < landed.size(); i++) {
        Append before = landed.get(i - 1);
        Append after = landed.get(i);
        if (landings.get(after).firstRevision() <= lastRevision(before)) {
          violation(Kind.OVERLAP, "%s and %s share revisions of %s", before, after, entry.getKey());
        } else if (landings.get(after).firstPosition() <= lastPosition(before)) {
          violation(
              Kind.ORDER,
              "%s comes after %s in %s but not in the global log",
              after,
              before,
              entry.getKey());
        }
      }
    }
  }

  /** Positions unique, and in real-time order between appends. */
  private void checkPositions() {
    List<Append> landed = new ArrayList<>(landings.keySet());
    landed.sort(Comparator.comparingLong(a -> landings.get(a).firstPosition()));
    for (int i = 1; i < landed.size(); i++) {
      if (landings.get(landed.get(i)).firstPosition() <= lastPosition(landed.get(i - 1))) {
        violation(
            Kind.DUPLICATE_POSITION, "%s and %s share positions", landed.get(i - 1), landed.get(i));
      }
    }
    CompletedBefore acknowledged = new CompletedBefore();
    for (Append append : landed) {
      if (append.outcome() instanceof Ok) {
        acknowledged.add(append.completedAt(), lastPosition(append));
      }
    }
    acknowledged.seal();
    for (Append append : landed) {
      long before = acknowledged.maxBefore(append.invokedAt());
      if (before >= landings.get(append).firstPosition()) {
        violation(
            Kind.REAL_TIME_ORDER,
            "%s began after an append at position %d had completed, yet landed at position %d",
            append,
            before,
            landings.get(append).firstPosition());
      }
    }
  }

  /** Prefixes that include everything that completed before they began, appends whole. */
  private void checkReads(String stream, List<Read> reads) {
    CompletedBefore appended = completedAppends(stream);
    CompletedBefore seen = new CompletedBefore();
    for (Read read : reads) {
      seen.add(read.completedAt(), read.events().size() - 1);
    }
    seen.seal();
    for (Read read : reads) {
      List<ReadEvent> events = read.events();
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).revision() != i) {
          violation(
              Kind.NOT_A_PREFIX,
              "%s has revision %d at index %d",
              read,
              events.get(i).revision(),
              i);
          break;
        }
      }
      long last = events.size() - 1L;
      long mustSee =
          Math.max(appended.maxBefore(read.invokedAt()), seen.maxBefore(read.invokedAt()));
      if (mustSee > last) {
        violation(
            Kind.STALE_READ,
            "%s ends at revision %d, but revision %d was visible before it began",
            read,
            last,
            mustSee);
      }
      for (ReadEvent event : events) {
        Append append = appendOfEvent.get(event.id());
        if (append != null && landings.containsKey(append) && lastRevision(append) > last) {
          violation(Kind.PARTIAL_READ, "%s shows part of %s", read, append);
          break;
        }
      }
    }
  }

  /** Each conflict explained by an append at the revision it was refused, and not stale. */
  private void checkConflicts(String stream, List<Append> appends) {
    Map<Long, Append> atRevision = new HashMap<>();
    for (Append append : appends) {
      if (landings.containsKey(append)) {
        for (long r = landings.get(append).firstRevision(); r <= lastRevision(append); r++) {
          atRevision.put(r, append);
        }
      }
    }
    CompletedBefore appended = completedAppends(stream);
    CompletedBefore seen = new CompletedBefore();
    for (Read read : readsByStream.getOrDefault(stream, List.of())) {
      seen.add(read.completedAt(), read.events().size() - 1);
    }
    seen.seal();
    for (Append append : appends) {
      if (!(append.outcome() instanceof Conflict conflict)) {
        continue;
      }
      long expected = append.expected();
      long actual = conflict.actualRevision();
      if (!append.exact() || actual == expected) {
        violation(Kind.UNEXPLAINED_CONFLICT, "%s conflicted although its expectation held", append);
        continue;
      }
      if (actual > expected && !explains(atRevision.get(expected + 1), append)) {
        violation(
            Kind.UNEXPLAINED_CONFLICT,
            "%s conflicted, but no append invoked before it completed took revision %d",
            append,
            expected + 1);
        continue;
      }
      if (actual >= 0 && !explains(atRevision.get(actual), append)) {
        violation(
            Kind.UNEXPLAINED_CONFLICT,
            "%s reported revision %d, which no append invoked before it completed wrote",
            append,
            actual);
        continue;
      }
      long mustSee =
          Math.max(appended.maxBefore(append.invokedAt()), seen.maxBefore(append.invokedAt()));
      if (mustSee > actual) {
        violation(
            Kind.STALE_CONFLICT,
            "%s reported revision %d, but revision %d was visible before it began",
            append,
            actual,
            mustSee);
      }
    }
  }

  /** A landed event whose type and tags are known. */
  private record Placed(Append append, Operation.EventFacts facts) {}

  /** Conditions held for every success and every failure names the first real conflict. */
  private void checkConditions() {
    NavigableMap<Long, Placed> byPosition = new TreeMap<>();
    for (Map.Entry<Append, Landing> landed : landings.entrySet()) {
      Append append = landed.getKey();
      for (int i = 0; i < append.facts().size(); i++) {
        byPosition.put(
            landed.getValue().firstPosition() + i, new Placed(append, append.facts().get(i)));
      }
    }
    for (List<Append> appends : appendsByStream.values()) {
      for (Append append : appends) {
        if (append.condition() != null) {
          checkCondition(append, append.condition(), byPosition);
        }
      }
    }
  }

  private void checkCondition(
      Append append, Operation.Condition condition, NavigableMap<Long, Placed> byPosition) {
    Landing landing = landings.get(append);
    if (append.outcome() instanceof ConditionFailed failed) {
      if (landing != null) {
        violation(Kind.CONDITION_VIOLATED, "%s failed its condition, yet landed", append);
        return;
      }
      Placed conflict = byPosition.get(failed.conflictingPosition());
      if (failed.conflictingPosition() <= condition.after()
          || conflict == null
          || !matches(condition, conflict)
          || !explains(conflict.append(), append)) {
        violation(
            Kind.UNEXPLAINED_CONDITION_FAILURE,
            "%s failed on position %d, where no matching event of an earlier append landed",
            append,
            failed.conflictingPosition());
        return;
      }
      Long earlier = firstMatch(byPosition, condition, failed.conflictingPosition());
      if (earlier != null) {
        violation(
            Kind.UNEXPLAINED_CONDITION_FAILURE,
            "%s failed on position %d, but position %d matched first",
            append,
            failed.conflictingPosition(),
            earlier);
      }
    } else if (landing != null) {
      Long stale = firstMatch(byPosition, condition, landing.firstPosition());
      if (stale != null) {
        violation(
            Kind.CONDITION_VIOLATED,
            "%s landed at position %d although the event at %d matched its condition",
            append,
            landing.firstPosition(),
            stale);
      }
    }
  }

  /** The first position above the condition's {@code after} and below {@code end} it matches. */
  private static Long firstMatch(
      NavigableMap<Long, Placed> byPosition, Operation.Condition condition, long end) {
    for (Map.Entry<Long, Placed> entry :
        byPosition.subMap(condition.after(), false, end, false).entrySet()) {
      if (matches(condition, entry.getValue())) {
        return entry.getKey();
      }
    }
    return null;
  }

  private static boolean matches(Operation.Condition condition, Placed event) {
    return condition.query().matches(event.facts().type(), event.facts().tags());
  }

  @SuppressWarnings("ReferenceEquality") // the same operation, not an equal-looking one
  private static boolean explains(Append writer, Append conflicted) {
    return writer != null && writer != conflicted && writer.invokedAt() < conflicted.completedAt();
  }

  private CompletedBefore completedAppends(String stream) {
    CompletedBefore appended = new CompletedBefore();
    for (Append append : appendsByStream.getOrDefault(stream, List.of())) {
      if (append.outcome() instanceof Ok) {
        appended.add(append.completedAt(), lastRevision(append));
      }
    }
    return appended.seal();
  }
}
