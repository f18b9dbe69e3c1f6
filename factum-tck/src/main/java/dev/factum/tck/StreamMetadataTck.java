package dev.factum.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.api.WrongExpectedMetadataRevisionException;
import dev.factum.engine.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Stream metadata and retention on read (docs/LIFECYCLE.md): set and read back with its own
 * revision and compare-and-set; {@code maxCount}, {@code maxAge} (against a settable clock) and
 * {@code truncateBefore} hide events from stream reads in both directions and from stream
 * subscriptions at once, revisions keeping their numbers; the global log is not filtered; metadata
 * outlives a soft delete and is refused on a tombstoned stream.
 */
public abstract class StreamMetadataTck extends TckSupport {
  private final SettableClock clock = new SettableClock();

  @Override
  protected StoreOptions options() {
    return StoreOptions.DEFAULT.withClock(clock);
  }

  private static StreamMetadata maxCount(long count) {
    return StreamMetadata.NONE.withMaxCount(count);
  }

  private List<Long> forward(String stream, long from, int limit) {
    return revisions(store.readStream(stream, from, Direction.FORWARD, limit).events());
  }

  /** Every visible revision, read in pages of {@code limit} in {@code direction}. */
  private List<Long> paged(String stream, Direction direction, int limit) {
    List<Long> all = new ArrayList<>();
    long from = direction == Direction.FORWARD ? 0 : EventStore.END;
    while (true) {
      ReadPage page = store.readStream(stream, from, direction, limit);
      all.addAll(revisions(page.events()));
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }

  private static List<Long> range(long fromInclusive, long toExclusive) {
    return LongStream.range(fromInclusive, toExclusive).boxed().toList();
  }

  private static List<Long> reversed(List<Long> revisions) {
    return revisions.reversed();
  }

  @Test
  void metadataIsSetAndReadBackWithItsOwnRevisionAcrossAReopen() {
    VersionedStreamMetadata none = store.streamMetadata("order-1");
    assertThat(none.metadataRevision()).isEqualTo(VersionedStreamMetadata.NO_METADATA);
    assertThat(none.metadata()).isEqualTo(StreamMetadata.NONE);

    StreamMetadata first =
        new StreamMetadata(5L, Duration.ofHours(1), 2L, "{\"owner\":\"billing\"}");
    assertThat(store.setStreamMetadata("order-1", ExpectedRevision.noStream(), first)).isZero();
    assertThat(store.streamMetadata("order-1"))
        .isEqualTo(new VersionedStreamMetadata("order-1", 0, first));
    // Its own revision: the stream has no events, and appending does not move it.
    store.append("order-1", ExpectedRevision.any(), events(3));
    assertThat(store.streamMetadata("order-1").metadataRevision()).isZero();

    StreamMetadata second = maxCount(2);
    assertThat(store.setStreamMetadata("order-1", ExpectedRevision.exact(0), second)).isEqualTo(1);
    // A retry of that write (same expectation, same metadata) is answered, not refused.
    assertThat(store.setStreamMetadata("order-1", ExpectedRevision.exact(0), second)).isEqualTo(1);
    assertThat(store.setStreamMetadata("order-1", ExpectedRevision.any(), second)).isEqualTo(1);
    reopen();
    assertThat(store.streamMetadata("order-1"))
        .isEqualTo(new VersionedStreamMetadata("order-1", 1, second));
    assertThat(store.setStreamMetadata("order-1", ExpectedRevision.exists(), maxCount(1)))
        .isEqualTo(2);
  }

  @Test
  void aWrongExpectedMetadataRevisionIsRefusedAndWritesNothing() {
    store.setStreamMetadata("s", ExpectedRevision.noStream(), maxCount(4));
    store.setStreamMetadata("s", ExpectedRevision.exact(0), maxCount(3));
    assertThatThrownBy(() -> store.setStreamMetadata("s", ExpectedRevision.exact(0), maxCount(9)))
        .isInstanceOfSatisfying(
            WrongExpectedMetadataRevisionException.class,
            e -> {
              assertThat(e.actualRevision()).isEqualTo(1);
              assertThat(e.stream()).isEqualTo("s");
            });
    assertThatThrownBy(() -> store.setStreamMetadata("s", ExpectedRevision.noStream(), maxCount(9)))
        .isInstanceOf(WrongExpectedMetadataRevisionException.class);
    assertThatThrownBy(
            () -> store.setStreamMetadata("fresh", ExpectedRevision.exists(), maxCount(9)))
        .isInstanceOfSatisfying(
            WrongExpectedMetadataRevisionException.class,
            e -> assertThat(e.actualRevision()).isEqualTo(VersionedStreamMetadata.NO_METADATA));
    assertThat(store.streamMetadata("s"))
        .isEqualTo(new VersionedStreamMetadata("s", 1, maxCount(3)));
    assertThat(store.streamMetadata("fresh").metadataRevision()).isEqualTo(-1);
  }

  @Test
  void badMetadataIsRefused() {
    assertThatThrownBy(() -> maxCount(0)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> StreamMetadata.NONE.withTruncateBefore(-1L))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> StreamMetadata.NONE.withMaxAge(Duration.ofMillis(1500)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> StreamMetadata.NONE.withCustom("x".repeat(17 * 1024)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                store.setStreamMetadata(
                    "s", ExpectedRevision.any(), StreamMetadata.NONE.withCustom("[1,2]")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                store.setStreamMetadata(
                    "s", ExpectedRevision.any(), StreamMetadata.NONE.withCustom("{\"a\":")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.setStreamMetadata("$keys", ExpectedRevision.any(), maxCount(1)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.setStreamMetadata("s", null, maxCount(1)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(store.streamMetadata("s").metadataRevision()).isEqualTo(-1);
  }

  @Test
  void maxCountKeepsTheNewestEventsVisibleInBothDirectionsAndAcrossPages() {
    store.append("s", ExpectedRevision.any(), events(10));
    store.setStreamMetadata("s", ExpectedRevision.any(), maxCount(3));
    ReadPage fromZero = store.readStream("s", 0, Direction.FORWARD, 100);
    assertThat(revisions(fromZero.events())).containsExactly(7L, 8L, 9L);
    assertThat(fromZero.firstRevision()).isEqualTo(7);
    assertThat(paged("s", Direction.FORWARD, 2)).isEqualTo(range(7, 10));
    assertThat(paged("s", Direction.BACKWARD, 2)).isEqualTo(reversed(range(7, 10)));
    assertThat(store.readStream("s", 5, Direction.BACKWARD, 10).events()).isEmpty();
    assertThat(store.streamHead("s").firstVisibleRevision()).isEqualTo(7);
    assertThat(store.streamState("s"))
        .isEqualTo(new StreamState("s", StreamState.Status.ACTIVE, 9));

    store.append("s", ExpectedRevision.exact(9), events(2)); // revisions keep their numbers
    assertThat(forward("s", 0, 100)).containsExactly(9L, 10L, 11L);
    // The global log is not filtered by stream metadata (scavenging, later, removes events).
    assertThat(readWholeLog(LogFilter.none())).hasSize(12);
  }

  @Test
  void truncateBeforeHidesLowerRevisionsAndMaySetBeforeTheFirstEvent() {
    store.append("s", ExpectedRevision.any(), events(10));
    store.setStreamMetadata(
        "s", ExpectedRevision.any(), StreamMetadata.NONE.withTruncateBefore(4L));
    assertThat(paged("s", Direction.FORWARD, 4)).isEqualTo(range(4, 10));
    assertThat(paged("s", Direction.BACKWARD, 3)).isEqualTo(reversed(range(4, 10)));
    assertThat(forward("s", 6, 2)).containsExactly(6L, 7L);
    assertThat(store.readStream("s", 3, Direction.BACKWARD, 5).events()).isEmpty();

    store.setStreamMetadata(
        "later", ExpectedRevision.noStream(), StreamMetadata.NONE.withTruncateBefore(2L));
    store.append("later", ExpectedRevision.noStream(), events(5));
    ReadPage page = store.readStream("later", 0, Direction.FORWARD, 10);
    assertThat(revisions(page.events())).containsExactly(2L, 3L, 4L);
    assertThat(page.firstRevision()).isEqualTo(2);

    // Truncating past the end hides everything, but the stream still exists.
    store.setStreamMetadata(
        "later", ExpectedRevision.any(), StreamMetadata.NONE.withTruncateBefore(100L));
    ReadPage empty = store.readStream("later", 0, Direction.FORWARD, 10);
    assertThat(empty.events()).isEmpty();
    assertThat(empty.endOfRead()).isTrue();
    assertThat(store.streamState("later").exists()).isTrue();
  }

  @Test
  void maxAgeHidesEventsOlderThanItByTheStoresClock() {
    store.append("s", ExpectedRevision.any(), events(3)); // revisions 0-2 at t0
    clock.advance(Duration.ofSeconds(100));
    store.append("s", ExpectedRevision.any(), events(2)); // 3-4 at t0 + 100 s
    clock.advance(Duration.ofSeconds(10));
    store.setStreamMetadata(
        "s", ExpectedRevision.any(), StreamMetadata.NONE.withMaxAge(Duration.ofSeconds(60)));
    assertThat(paged("s", Direction.FORWARD, 1)).containsExactly(3L, 4L);
    assertThat(paged("s", Direction.BACKWARD, 1)).containsExactly(4L, 3L);
    assertThat(store.readStream("s", 0, Direction.FORWARD, 10).firstRevision()).isEqualTo(3);

    clock.advance(Duration.ofSeconds(100)); // now all are older than 60 s
    ReadPage none = store.readStream("s", 0, Direction.FORWARD, 10);
    assertThat(none.events()).isEmpty();
    assertThat(none.firstRevision()).isEqualTo(5);
    assertThat(store.readStream("s", EventStore.END, Direction.BACKWARD, 10).events()).isEmpty();
    store.append("s", ExpectedRevision.exact(4), events(1));
    assertThat(forward("s", 0, 10)).containsExactly(5L);

    // maxAge together with maxCount: the stricter wins.
    store.append("s", ExpectedRevision.any(), events(4)); // 6-9, young
    store.setStreamMetadata(
        "s", ExpectedRevision.any(), new StreamMetadata(2L, Duration.ofSeconds(60), null, null));
    assertThat(forward("s", 0, 10)).containsExactly(8L, 9L);
  }

  @Test
  void aStreamSubscriptionCatchesUpFromTheFirstVisibleRevision() {
    store.append("s", ExpectedRevision.any(), events(6));
    store.setStreamMetadata("s", ExpectedRevision.any(), maxCount(2));
    List<Long> seen = new CopyOnWriteArrayList<>();
    try (Subscription subscription =
        store.subscribe(SubscriptionRequest.toStream("s"), event -> seen.add(event.revision()))) {
      Await.until("catch-up of the visible events", Duration.ofSeconds(10), () -> seen.size() >= 2);
      store.append("s", ExpectedRevision.any(), events(1));
      Await.until("the live event", Duration.ofSeconds(10), () -> seen.size() >= 3);
      assertThat(subscription.isClosed()).isFalse();
    }
    assertThat(seen).containsExactly(4L, 5L, 6L);
  }

  @Test
  void metadataOutlivesASoftDeleteAndIsRefusedOnATombstone() {
    store.setStreamMetadata("s", ExpectedRevision.noStream(), maxCount(2));
    store.append("s", ExpectedRevision.any(), events(4)); // 0-3
    store.delete("s", ExpectedRevision.exact(3));
    assertThat(store.streamMetadata("s"))
        .isEqualTo(new VersionedStreamMetadata("s", 0, maxCount(2)));
    store.append("s", ExpectedRevision.noStream(), events(3)); // recreated: 4-6
    assertThat(forward("s", 0, 10)).containsExactly(5L, 6L);
    store.delete("s", ExpectedRevision.exact(6));
    store.append("s", ExpectedRevision.noStream(), events(1)); // 7: the delete hides 5 and 6
    assertThat(forward("s", 0, 10)).containsExactly(7L);

    store.append("gone", ExpectedRevision.any(), events(2));
    store.setStreamMetadata("gone", ExpectedRevision.any(), maxCount(1));
    store.tombstone("gone", ExpectedRevision.any());
    assertThatThrownBy(() -> store.setStreamMetadata("gone", ExpectedRevision.any(), maxCount(5)))
        .isInstanceOf(StreamDeletedException.class);
    assertThatThrownBy(() -> store.streamMetadata("gone"))
        .isInstanceOf(StreamDeletedException.class);
    reopen();
    assertThatThrownBy(() -> store.setStreamMetadata("gone", ExpectedRevision.any(), maxCount(5)))
        .isInstanceOf(StreamDeletedException.class);
  }

  @Test
  void aStreamWithoutMetadataReadsAsBeforeAndOthersAreUntouched() {
    store.append("a", ExpectedRevision.any(), events(5));
    store.append("b", ExpectedRevision.any(), events(5));
    store.setStreamMetadata("a", ExpectedRevision.any(), maxCount(1));
    ReadPage b = store.readStream("b", 0, Direction.FORWARD, 10);
    assertThat(revisions(b.events())).isEqualTo(range(0, 5));
    assertThat(b.firstRevision()).isZero();
    assertThat(forward("a", 0, 10)).containsExactly(4L);
    List<RecordedEvent> log = readWholeLog(LogFilter.none());
    assertThat(log).hasSize(10);
  }
}
