package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Scavenging (docs/LIFECYCLE.md, "Scavenging"): after retention ({@code maxCount}, {@code maxAge},
 * {@code truncateBefore}), a soft delete and a tombstone, a run removes exactly the events no
 * stream read can see (an active stream keeps its last event), stream reads are unchanged before
 * and after and across a reopen, positions and revisions keep their numbers, log reads skip exactly
 * the removed positions (plain and filtered), the removal stays when the metadata is relaxed, a
 * retry of a removed append is answered with its original result, a second run finds nothing, and
 * the store verifies (after every test, by {@link TckSupport}).
 */
public abstract class ScavengingTck extends TckSupport {
  private final SettableClock clock = new SettableClock();

  @Override
  protected StoreOptions options() {
    return StoreOptions.DEFAULT.withClock(clock);
  }

  /** Runs a scavenge to its end and returns its final status. */
  protected ScavengeStatus scavenge() {
    long before = store.scavengeStatus().runId();
    store.startScavenge(0);
    Await.until(
        "the scavenging run ends",
        Duration.ofSeconds(30),
        () -> store.scavengeStatus().runId() > before && !store.scavengeStatus().isRunning());
    ScavengeStatus status = store.scavengeStatus();
    assertThat(status.state()).as("%s", status).isEqualTo(ScavengeStatus.State.DONE);
    return status;
  }

  private void append(String stream, int count) {
    for (int i = 0; i < count; i++) {
      store.append(request(stream, ExpectedRevision.any(), event(i)));
    }
  }

  private Map<String, List<RecordedEvent>> visible(List<String> streams) {
    Map<String, List<RecordedEvent>> all = new HashMap<>();
    for (String stream : streams) {
      all.put(stream, readWholeStream(stream));
    }
    return all;
  }

  private static List<Long> range(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }

  private void assertSameEvents(List<RecordedEvent> actual, List<RecordedEvent> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      RecordedEvent a = actual.get(i);
      RecordedEvent e = expected.get(i);
      assertThat(a.id()).isEqualTo(e.id());
      assertThat(a.position()).isEqualTo(e.position());
      assertThat(a.revision()).isEqualTo(e.revision());
      assertThat(a.data()).isEqualTo(e.data());
    }
  }

  @Test
  void scavengingRemovesExactlyTheInvisibleEventsAndReadsStayTheSame() {
    append("keep-1", 6);
    append("count-1", 10);
    store.setStreamMetadata(
        "count-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(3L));
    append("trunc-1", 10);
    store.setStreamMetadata(
        "trunc-1", ExpectedRevision.any(), StreamMetadata.NONE.withTruncateBefore(4L));
    append("soft-1", 5);
    store.delete("soft-1", ExpectedRevision.any());
    append("soft-1", 2); // recreated: revisions 5 and 6
    append("tomb-1", 4);
    store.tombstone("tomb-1", ExpectedRevision.any());
    append("age-1", 3);
    clock.advance(Duration.ofHours(2));
    append("age-1", 2);
    store.setStreamMetadata(
        "age-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxAge(Duration.ofHours(1)));

    List<String> readable = List.of("keep-1", "count-1", "trunc-1", "soft-1", "age-1");
    Map<String, List<RecordedEvent>> before = visible(readable);
    List<RecordedEvent> logBefore = readWholeLog(LogFilter.none());
    // What no read can see: count-1 0..6, trunc-1 0..3, soft-1 0..4, tomb-1 0..3, age-1 0..2.
    Map<String, Long> floors =
        Map.of("count-1", 7L, "trunc-1", 4L, "soft-1", 5L, "tomb-1", 4L, "age-1", 3L);
    List<RecordedEvent> invisible =
        logBefore.stream().filter(e -> e.revision() < floors.getOrDefault(e.stream(), 0L)).toList();
    assertThat(invisible).hasSize(7 + 4 + 5 + 4 + 3);

    ScavengeStatus status = scavenge();

    assertThat(status.eventsRemoved()).isEqualTo(invisible.size());
    assertThat(status.streamsVisited()).isGreaterThanOrEqualTo(6);
    for (String stream : readable) {
      assertSameEvents(readWholeStream(stream), before.get(stream));
    }
    List<RecordedEvent> logAfter = readWholeLog(LogFilter.none());
    List<Long> expected = new ArrayList<>(positions(logBefore));
    expected.removeAll(positions(invisible));
    assertThat(positions(logAfter)).isEqualTo(expected);
    // Backward reads of the log skip the same positions.
    List<Long> backward = new ArrayList<>();
    long from = Long.MAX_VALUE;
    while (true) {
      ReadPage page = store.readAll(from, Direction.BACKWARD, 4, LogFilter.none());
      backward.addAll(positions(page.events()));
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    assertThat(backward).isEqualTo(expected.reversed());
    // Filtered reads no longer find removed events.
    assertThat(readWholeLog(LogFilter.categories("count")))
        .extracting(RecordedEvent::revision)
        .containsExactly(7L, 8L, 9L);
    // Appends continue where the streams were, at the next position.
    AppendResult next = store.append(request("count-1", ExpectedRevision.exact(9), event(10)));
    assertThat(next.firstRevision()).isEqualTo(10);
    assertThat(next.firstPosition()).isEqualTo(logBefore.getLast().position() + 1);

    reopen();
    for (String stream : List.of("keep-1", "trunc-1", "soft-1", "age-1")) {
      assertSameEvents(readWholeStream(stream), before.get(stream));
    }
    assertThat(store.scavengeStatus().state()).isEqualTo(ScavengeStatus.State.DONE);
  }

  @Test
  void removedEventsStayRemovedWhenTheMetadataIsRelaxed() {
    append("order-1", 6);
    store.setStreamMetadata(
        "order-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(2L));
    scavenge();
    store.setStreamMetadata("order-1", ExpectedRevision.any(), StreamMetadata.NONE);
    ReadPage page = store.readStream("order-1", 0, Direction.FORWARD, 100);
    assertThat(revisions(page.events())).isEqualTo(range(4, 6));
    assertThat(page.firstRevision()).isEqualTo(4);
    assertThat(store.streamHead("order-1").firstVisibleRevision()).isEqualTo(4);
    reopen();
    assertThat(revisions(readWholeStream("order-1"))).isEqualTo(range(4, 6));
  }

  @Test
  void aRetryOfARemovedAppendIsAnsweredWithItsOriginalResult() {
    EventData first = withId(event(0));
    EventData second = withId(event(1));
    AppendRequest original = AppendRequest.of("cart-1", ExpectedRevision.noStream(), first, second);
    AppendResult result = store.append(original);
    append("cart-1", 3);
    store.setStreamMetadata("cart-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(1L));
    ScavengeStatus status = scavenge();
    assertThat(status.eventsRemoved()).isEqualTo(4);
    long head = store.headPosition();

    assertThat(store.append(original)).isEqualTo(result);
    assertThat(store.headPosition()).isEqualTo(head);
  }

  @Test
  void anActiveStreamWhoseEveryEventIsHiddenKeepsItsLastEventAndGoesOn() {
    append("job-1", 5);
    store.setStreamMetadata(
        "job-1", ExpectedRevision.any(), StreamMetadata.NONE.withTruncateBefore(100L));
    assertThat(scavenge().eventsRemoved()).isEqualTo(4);
    assertThat(store.readStream("job-1", 0, Direction.FORWARD, 10).events()).isEmpty();
    assertThat(store.streamState("job-1").lastRevision()).isEqualTo(4);
    store.setStreamMetadata("job-1", ExpectedRevision.any(), StreamMetadata.NONE);
    assertThat(revisions(readWholeStream("job-1"))).containsExactly(4L);
    store.append(request("job-1", ExpectedRevision.exact(4), event(5)));
    assertThat(revisions(readWholeStream("job-1"))).containsExactly(4L, 5L);
  }

  @Test
  void aSecondRunFindsNothingAndTheStatusCountsRuns() {
    append("log-1", 8);
    store.setStreamMetadata("log-1", ExpectedRevision.any(), StreamMetadata.NONE.withMaxCount(5L));
    ScavengeStatus first = scavenge();
    assertThat(first.eventsRemoved()).isEqualTo(3);
    assertThat(first.runId()).isEqualTo(1);
    ScavengeStatus second = scavenge();
    assertThat(second.runId()).isEqualTo(2);
    assertThat(second.eventsRemoved()).isZero();
    assertThat(second.finishedAt()).isNotNull();
    assertThat(revisions(readWholeStream("log-1"))).isEqualTo(range(3, 8));
    Set<String> streams = Set.of("log-1");
    assertThat(readWholeLog(LogFilter.none()))
        .filteredOn(e -> streams.contains(e.stream()))
        .extracting(RecordedEvent::revision)
        .isEqualTo(range(3, 8));
  }
}
