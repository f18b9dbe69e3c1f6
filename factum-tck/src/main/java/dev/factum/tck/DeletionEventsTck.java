package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.WrongExpectedRevisionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Deletes are visible to consumers of the log: each soft delete and tombstone commits one system
 * event ({@link StreamDeletion}) to {@value StreamDeletion#STREAM}, with its own position,
 * atomically with the head change; the deleted stream's own revisions are untouched.
 */
public abstract class DeletionEventsTck extends TckSupport {

  @Test
  void aSoftDeleteCommitsOneDeletionEventAtTheNextPosition() {
    store.append("order-123", noStream(), events(3));
    store.delete("order-123", exact(2));
    assertThat(store.headPosition()).isEqualTo(3);
    RecordedEvent deletion = readWholeLog(LogFilter.none()).getLast();
    assertThat(deletion.position()).isEqualTo(3);
    assertThat(deletion.stream()).isEqualTo(StreamDeletion.STREAM);
    assertThat(deletion.revision()).isZero();
    assertThat(deletion.type()).isEqualTo("$stream-deleted");
    assertThat(deletion.contentType()).isEqualTo(EventData.JSON);
    assertThat(deletion.dataAsString())
        .isEqualTo("{\"stream\":\"order-123\",\"truncateBefore\":3}");
    assertThat(deletion.metadata()).isNull();
    assertThat(deletion.category()).isEqualTo("order");
    assertThat(deletion.deletion()).contains(new StreamDeletion("order-123", 3, false));
  }

  @Test
  void theDeletedStreamsOwnRevisionsAreUnchanged() {
    store.append("order-123", noStream(), events(3));
    store.delete("order-123", any());
    assertThat(store.append("order-123", noStream(), events(2)).firstRevision()).isEqualTo(3);
    assertThat(readWholeStream("order-123"))
        .extracting(RecordedEvent::revision, RecordedEvent::position)
        .containsExactly(Tuple.tuple(3L, 4L), Tuple.tuple(4L, 5L));
    assertThat(store.streamState("order-123"))
        .isEqualTo(new StreamState("order-123", StreamState.Status.ACTIVE, 4));
    store.delete("order-123", exact(4));
    assertThat(store.streamState("order-123").lastRevision()).isEqualTo(4);
    assertThat(store.append("order-123", noStream(), events(1)).firstRevision()).isEqualTo(5);
  }

  @Test
  void aCategoryFeedAndTheWholeLogSeeTheDeletionInCommitOrder() throws Exception {
    List<RecordedEvent> live = new CopyOnWriteArrayList<>();
    Subscription orders = store.subscribe(SubscriptionRequest.toCategory("order"), live::add);
    try {
      store.append("order-123", noStream(), events(2));
      store.append("payment-1", noStream(), events(1));
      store.delete("order-123", exact(1));
      store.append("order-123", noStream(), events(1));
      store.tombstone("payment-1", any());
      List<String> expected =
          List.of("order-123@0", "order-123@1", "$deletions@0:order-123<2", "order-123@2");
      assertThat(describe(readWholeLog(LogFilter.categories("order")))).isEqualTo(expected);
      Await.until(
          "the order feed delivered the deletion", Duration.ofSeconds(10), () -> live.size() >= 4);
      assertThat(describe(live)).isEqualTo(expected);
    } finally {
      orders.close();
    }
    assertThat(describe(readWholeLog(LogFilter.categories("payment"))))
        .containsExactly("payment-1@0", "$deletions@1:payment-1<1!");
    assertThat(positions(readWholeLog(LogFilter.none()))).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(
            describe(
                readWholeLog(LogFilter.types(StreamDeletion.DELETED, StreamDeletion.TOMBSTONED))))
        .containsExactly("$deletions@0:order-123<2", "$deletions@1:payment-1<1!");
    assertThat(describe(store.readAll(EventStore.END, Direction.BACKWARD, 1, null).events()))
        .containsExactly("$deletions@1:payment-1<1!");
  }

  @Test
  void theSystemStreamCanBeReadButNeverWritten() {
    store.append("a-1", noStream(), events(1));
    store.delete("a-1", any());
    store.tombstone("never-used", noStream());
    assertThat(describe(readWholeStream(StreamDeletion.STREAM)))
        .containsExactly("$deletions@0:a-1<1", "$deletions@1:never-used<0!");
    assertThat(store.streamState(StreamDeletion.STREAM).lastRevision()).isEqualTo(1);
    assertThatThrownBy(() -> store.append(StreamDeletion.STREAM, any(), events(1)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.delete(StreamDeletion.STREAM, any()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> store.append("$other", any(), events(1)))
        .isInstanceOf(InvalidArgumentException.class);
    // Nor can an append forge a system event's type in a stream of its own.
    assertThatThrownBy(
            () ->
                store.append(
                    "a-1",
                    any(),
                    List.of(
                        EventData.json(
                            StreamDeletion.DELETED, "{\"stream\":\"b-1\",\"truncateBefore\":0}"))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(store.headPosition()).isEqualTo(2);
  }

  @Test
  void aDeleteThatChangesNothingOrIsRefusedCommitsNoEvent() {
    store.append("s-1", noStream(), events(2));
    store.delete("s-1", any());
    long head = store.headPosition();
    // A retried soft delete: the stream is already deleted, nothing changes.
    assertThat(store.delete("s-1", any()))
        .isEqualTo(new StreamState("s-1", StreamState.Status.DELETED, 1));
    assertThatThrownBy(() -> store.delete("s-1", exact(1)))
        .isInstanceOf(WrongExpectedRevisionException.class);
    store.append("s-2", noStream(), events(1));
    assertThatThrownBy(() -> store.tombstone("s-2", exact(5)))
        .isInstanceOf(WrongExpectedRevisionException.class);
    store.tombstone("s-1", any());
    long afterTombstone = store.headPosition();
    // A retried tombstone is refused as it is today: the stream is tombstoned.
    assertThatThrownBy(() -> store.tombstone("s-1", any()))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(afterTombstone).isEqualTo(head + 2);
    assertThat(store.headPosition()).isEqualTo(afterTombstone);
    assertThat(describe(readWholeStream(StreamDeletion.STREAM)))
        .containsExactly("$deletions@0:s-1<2", "$deletions@1:s-1<2!");
  }

  @Test
  void deletionEventsSurviveAReopenAndNumberingContinues() {
    store.append("s-1", noStream(), events(1));
    store.delete("s-1", any());
    reopen();
    store.append("s-2", noStream(), events(1));
    store.tombstone("s-2", any());
    assertThat(describe(readWholeLog(LogFilter.none())))
        .containsExactly("s-1@0", "$deletions@0:s-1<1", "s-2@0", "$deletions@1:s-2<1!");
  }

  @Test
  void deletesAndAppendsRacingStayDenseAndEachDeleteHasItsEvent() throws Exception {
    int writers = 4;
    int rounds = 25;
    Concurrently.run(
        writers,
        w -> {
          for (int i = 0; i < rounds; i++) {
            store.append("race-" + w, any(), events(2));
            store.delete("race-" + w, any());
          }
        });
    List<RecordedEvent> log = readWholeLog(LogFilter.none());
    assertThat(positions(log))
        .containsExactlyElementsOf(LongStream.range(0, log.size()).boxed().toList());
    assertThat(log.stream().filter(e -> e.deletion().isPresent())).hasSize(writers * rounds);
    assertThat(readWholeLog(LogFilter.categories("race"))).hasSize(writers * rounds * 3);
  }

  /**
   * {@code stream@revision}, and for deletions {@code :deleted<truncateBefore} ({@code !}
   * tombstone).
   */
  static List<String> describe(List<RecordedEvent> events) {
    return events.stream()
        .map(
            e ->
                e.stream()
                    + "@"
                    + e.revision()
                    + e.deletion()
                        .map(
                            d ->
                                ":"
                                    + d.stream()
                                    + "<"
                                    + d.truncateBefore()
                                    + (d.tombstone() ? "!" : ""))
                        .orElse(""))
        .toList();
  }
}
