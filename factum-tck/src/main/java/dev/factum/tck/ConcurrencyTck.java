package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Races: optimistic concurrency under contention, and commit order of the global log. */
public abstract class ConcurrencyTck extends TckSupport {

  /** One successful or rejected append attempt, as its writer saw it. */
  private record Attempt(long expected, AppendResult result, long actualOnConflict, String tag) {}

  @Test
  void exactlyOneWriterWinsEachRevisionAndLosersLearnTheRealRevision() throws Exception {
    int writers = 8;
    int appendsWanted = 300;
    store.append("hot-1", noStream(), events(1));
    AtomicInteger wins = new AtomicInteger(1);
    ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    CyclicBarrier start = new CyclicBarrier(writers);
    Concurrently.run(
        writers,
        writer -> {
          start.await();
          long known = 0;
          int n = 0;
          while (wins.get() < appendsWanted) {
            String tag = "w" + writer + "-" + n++;
            List<EventData> pair =
                List.of(
                    event("Pair", "{\"t\":\"" + tag + "\"}"),
                    event("Pair", "{\"t\":\"" + tag + "\"}"));
            try {
              AppendResult result = store.append("hot-1", exact(known), pair);
              attempts.add(new Attempt(known, result, -2, tag));
              wins.incrementAndGet();
              known = result.lastRevision();
            } catch (WrongExpectedRevisionException conflict) {
              attempts.add(new Attempt(known, null, conflict.actualRevision(), tag));
              known = conflict.actualRevision();
            }
          }
        });

    List<RecordedEvent> stream = readWholeStream("hot-1");
    StreamState state = store.streamState("hot-1");
    assertThat(revisions(stream)).isEqualTo(ReadTck.range(0, state.lastRevision() + 1));
    Map<Long, Attempt> winnerByExpected = new HashMap<>();
    for (Attempt attempt : attempts) {
      if (attempt.result() != null) {
        assertThat(winnerByExpected.put(attempt.expected(), attempt))
            .as("two winners expected revision %d", attempt.expected())
            .isNull();
        assertThat(attempt.result().firstRevision()).isEqualTo(attempt.expected() + 1);
        // the pair was written whole, adjacent, under the winner's tag
        RecordedEvent first = stream.get((int) attempt.result().firstRevision());
        RecordedEvent second = stream.get((int) attempt.result().lastRevision());
        assertThat(first.dataAsString()).contains(attempt.tag());
        assertThat(second.dataAsString()).contains(attempt.tag());
      } else {
        assertThat(attempt.actualOnConflict())
            .as("a loser's actual revision is a real, later revision")
            .isGreaterThan(attempt.expected())
            .isLessThanOrEqualTo(state.lastRevision());
      }
    }
    long conflicts = attempts.stream().filter(a -> a.result() == null).count();
    assertThat(winnerByExpected).hasSize((int) (attempts.size() - conflicts));
    assertThat(1 + 2L * winnerByExpected.size()).isEqualTo(stream.size());
  }

  @Test
  void appendsThatCompletedEarlierHaveLowerPositionsAndReadersNeverSeeAGap() throws Exception {
    int writers = 6;
    int appendsEach = 150;
    record Timed(long invoked, long completed, AppendResult result) {}
    ConcurrentLinkedQueue<Timed> timings = new ConcurrentLinkedQueue<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    List<String> readerProblems = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  long cursor = 0;
                  while (true) {
                    boolean writersDone = !writing.get();
                    ReadPage page = store.readAll(cursor, Direction.FORWARD, 64, LogFilter.none());
                    for (RecordedEvent e : page.events()) {
                      if (e.position() != cursor) {
                        readerProblems.add("expected position " + cursor + " got " + e.position());
                      }
                      seen.add(e.position());
                      cursor = e.position() + 1;
                    }
                    if (writersDone && page.endOfRead()) {
                      return;
                    }
                  }
                });
    try {
      Concurrently.run(
          writers,
          writer -> {
            for (int i = 0; i < appendsEach; i++) {
              long invoked = System.nanoTime();
              AppendResult result =
                  store.append(
                      "w" + writer + "-" + (i % 5), ExpectedRevision.any(), events(1 + i % 3));
              timings.add(new Timed(invoked, System.nanoTime(), result));
            }
          });
    } finally {
      writing.set(false);
      reader.join();
    }
    assertThat(readerProblems).isEmpty();
    long total = store.headPosition() + 1;
    assertThat(seen).isEqualTo(ReadTck.range(0, total));
    List<Timed> all = new ArrayList<>(timings);
    all.sort((a, b) -> Long.compare(a.completed(), b.completed()));
    // For every pair where A completed before B was invoked, A's events come first.
    List<Timed> byInvocation = new ArrayList<>(all);
    byInvocation.sort((a, b) -> Long.compare(a.invoked(), b.invoked()));
    long maxPositionCompleted = -1;
    int next = 0;
    for (Timed b : byInvocation) {
      while (next < all.size() && all.get(next).completed() < b.invoked()) {
        maxPositionCompleted =
            Math.max(maxPositionCompleted, all.get(next).result().lastPosition());
        next++;
      }
      assertThat(b.result().firstPosition()).isGreaterThan(maxPositionCompleted);
    }
  }
}
