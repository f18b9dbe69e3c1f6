package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.tck.history.HistoryRecorder;
import dev.factum.tck.history.LinearizabilityChecker;
import dev.factum.tck.history.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The dcb.events consistency check, for one store or several over one database: writers read the
 * last event matching a random query, then append conditionally on it (after = that position).
 * Afterwards every committed event's decision must equal the real last match before it: no append
 * committed on stale facts, whichever server took it. Every failure must name a conflicting
 * position after the decision's. The run is also recorded as a history and judged by the {@link
 * LinearizabilityChecker}, whose DCB rules check the same from the operations alone.
 */
public final class DcbConsistencyCheck {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** What one committed append decided on. */
  private record Decision(long position, int query, long after) {}

  private DcbConsistencyCheck() {}

  /** Queries over 3 types and 4 tags whose items overlap, so that writers really conflict. */
  static List<Query> queries() {
    List<Query> queries = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      queries.add(
          Query.of(
              Query.Item.types("T" + i % 3).withTags("k" + i % 4),
              Query.Item.tags("k" + (i + 1) % 4, "k" + (i + 2) % 4)));
    }
    return queries;
  }

  /**
   * Runs {@code writers} writers (writer w uses {@code stores.get(w % stores.size())}) making
   * {@code attemptsEach} decisions each, then checks every decision against the log as read through
   * the first store. Returns how many appends committed.
   */
  public static int run(List<? extends EventStore> stores, int writers, int attemptsEach)
      throws Exception {
    List<Query> queries = queries();
    List<Decision> committed = Collections.synchronizedList(new ArrayList<>());
    HistoryRecorder history = new HistoryRecorder();
    Concurrently.run(
        writers,
        writer -> {
          EventStore store = stores.get(writer % stores.size());
          Random random = new Random(writer);
          for (int i = 0; i < attemptsEach; i++) {
            int q = random.nextInt(queries.size());
            Query query = queries.get(q);
            ReadPage last = store.readByQuery(query, EventStore.END, Direction.BACKWARD, 1);
            long after =
                last.isEmpty() ? AppendCondition.NO_POSITION : last.events().getFirst().position();
            EventData event =
                new EventData(
                    UUID.randomUUID(),
                    "T" + random.nextInt(3),
                    EventData.JSON,
                    ("{\"writer\":" + writer + ",\"after\":" + after + "}")
                        .getBytes(StandardCharsets.UTF_8),
                    null,
                    new HashSet<>(List.of("k" + random.nextInt(4), "k" + random.nextInt(4))));
            long invoked = HistoryRecorder.now();
            Operation.AppendOutcome outcome;
            try {
              AppendResult result =
                  store.append(
                      "w-" + writer,
                      ExpectedRevision.any(),
                      List.of(event),
                      new AppendCondition(query, after));
              committed.add(new Decision(result.firstPosition(), q, after));
              outcome =
                  new Operation.Ok(
                      result.firstRevision(),
                      result.lastRevision(),
                      result.firstPosition(),
                      result.lastPosition());
            } catch (AppendConditionFailedException e) {
              assertThat(e.conflictingPosition()).isGreaterThan(after);
              outcome = new Operation.ConditionFailed(e.conflictingPosition());
            }
            history.record(
                new Operation.Append(
                    writer,
                    "w-" + writer,
                    Operation.ANY,
                    List.of(event.id()),
                    invoked,
                    HistoryRecorder.now(),
                    outcome,
                    List.of(new Operation.EventFacts(event.type(), event.tags())),
                    new Operation.Condition(query, after)));
          }
        });
    assertThat(committed).isNotEmpty();
    EventStore reader = stores.getFirst();
    long newest = committed.stream().mapToLong(Decision::position).max().orElseThrow();
    Await.until("the newest commit to be visible", WAIT, () -> reader.headPosition() >= newest);
    List<RecordedEvent> log = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = reader.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
      log.addAll(page.events());
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    for (Decision decision : committed) {
      Query query = queries.get(decision.query());
      long realLast = AppendCondition.NO_POSITION;
      for (RecordedEvent event : log) {
        if (event.position() < decision.position() && query.matches(event)) {
          realLast = event.position();
        }
      }
      assertThat(decision.after())
          .as("the decision behind the event at %d", decision.position())
          .isEqualTo(realLast);
    }
    LinearizabilityChecker.Report report = LinearizabilityChecker.check(history.history());
    assertThat(report.ok()).as("%s", report).isTrue();
    return committed.size();
  }

  /**
   * Writers whose queries are disjoint (each its own tag) append conditionally in parallel, to one
   * shared stream: none may ever fail. Returns the number of appends.
   */
  public static int runDisjoint(List<? extends EventStore> stores, int writers, int appendsEach)
      throws Exception {
    Concurrently.run(
        writers,
        writer -> {
          EventStore store = stores.get(writer % stores.size());
          long after = AppendCondition.NO_POSITION;
          Query mine = Query.tags("owner:" + writer);
          for (int i = 0; i < appendsEach; i++) {
            EventData step =
                new EventData(
                    null,
                    "Step",
                    EventData.JSON,
                    "{}".getBytes(StandardCharsets.UTF_8),
                    null,
                    Set.of("owner:" + writer));
            after =
                store
                    .append(
                        "shared-1",
                        ExpectedRevision.any(),
                        List.of(step),
                        new AppendCondition(mine, after))
                    .lastPosition();
          }
        });
    return writers * appendsEach;
  }
}
