package dev.factum.tck;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.exact;
import static dev.factum.api.ExpectedRevision.exists;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import org.junit.jupiter.api.Test;

/** Soft delete (recreatable, numbering continues) and tombstone (permanent). */
public abstract class DeleteTck extends TckSupport {

  @Test
  void softDeletedStreamReadsAsNotFoundButStaysInTheLog() {
    store.append("s-1", noStream(), events(3));
    StreamState state = store.delete("s-1", exact(2));
    assertThat(state).isEqualTo(new StreamState("s-1", StreamState.Status.DELETED, 2));
    assertThat(store.streamState("s-1")).isEqualTo(state);
    assertThatThrownBy(() -> store.readStream("s-1", 0, Direction.FORWARD, 10))
        .isInstanceOf(StreamNotFoundException.class);
    // The three events stay in the log; the delete added its own event after them.
    assertThat(readWholeLog(LogFilter.none()))
        .extracting(e -> e.stream() + "@" + e.revision())
        .containsExactly("s-1@0", "s-1@1", "s-1@2", "$deletions@0");
  }

  @Test
  void softDeletedStreamIsRecreatedWithNumberingContinuing() {
    store.append("s-1", noStream(), events(3));
    store.delete("s-1", any());
    AppendResultAssert.revisions(store.append("s-1", noStream(), events(2)), 3, 4);
    assertThat(revisions(readWholeStream("s-1"))).containsExactly(3L, 4L);
    assertThat(revisions(store.readStream("s-1", 0, Direction.FORWARD, 10).events()))
        .containsExactly(3L, 4L);
    assertThat(revisions(store.readStream("s-1", 4, Direction.BACKWARD, 10).events()))
        .containsExactly(4L, 3L);
    assertThat(store.streamState("s-1").status()).isEqualTo(StreamState.Status.ACTIVE);
  }

  @Test
  void softDeletedStreamCountsAsNoStreamForExpectations() {
    store.append("s-1", noStream(), events(2));
    store.delete("s-1", exists());
    assertThatThrownBy(() -> store.append("s-1", exists(), events(1)))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            e -> assertThat(e.actualRevision()).isEqualTo(StreamState.NO_REVISION));
    assertThatThrownBy(() -> store.append("s-1", exact(1), events(1)))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThat(store.append("s-1", any(), events(1)).firstRevision()).isEqualTo(2);
  }

  @Test
  void deleteChecksTheExpectedRevision() {
    store.append("s-1", noStream(), events(3));
    assertThatThrownBy(() -> store.delete("s-1", exact(1)))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class, e -> assertThat(e.actualRevision()).isEqualTo(2));
    assertThat(store.streamState("s-1").status()).isEqualTo(StreamState.Status.ACTIVE);
    assertThatThrownBy(() -> store.tombstone("s-1", noStream()))
        .isInstanceOf(WrongExpectedRevisionException.class);
    assertThat(store.streamState("s-1").status()).isEqualTo(StreamState.Status.ACTIVE);
  }

  @Test
  void deletingAStreamThatNeverExistedIsNotFound() {
    assertThatThrownBy(() -> store.delete("ghost-1", any()))
        .isInstanceOf(StreamNotFoundException.class);
  }

  @Test
  void tombstonedStreamCanNeverBeReadOrWrittenAgain() {
    store.append("s-1", noStream(), events(2));
    assertThat(store.tombstone("s-1", exact(1)).status()).isEqualTo(StreamState.Status.TOMBSTONED);
    assertThatThrownBy(() -> store.append("s-1", any(), events(1)))
        .isInstanceOf(StreamDeletedException.class);
    assertThatThrownBy(() -> store.append("s-1", noStream(), events(1)))
        .isInstanceOf(StreamDeletedException.class);
    assertThatThrownBy(() -> store.readStream("s-1", 0, Direction.FORWARD, 1))
        .isInstanceOf(StreamDeletedException.class);
    assertThatThrownBy(() -> store.delete("s-1", any())).isInstanceOf(StreamDeletedException.class);
    reopen();
    assertThatThrownBy(() -> store.append("s-1", any(), events(1)))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(store.streamState("s-1").status()).isEqualTo(StreamState.Status.TOMBSTONED);
  }

  @Test
  void aNameCanBeTombstonedBeforeItIsEverUsed() {
    store.tombstone("reserved-1", noStream());
    assertThatThrownBy(() -> store.append("reserved-1", any(), events(1)))
        .isInstanceOf(StreamDeletedException.class);
  }

  @Test
  void softDeleteSurvivesAReopen() {
    store.append("s-1", noStream(), events(2));
    store.delete("s-1", any());
    reopen();
    assertThatThrownBy(() -> store.readStream("s-1", 0, Direction.FORWARD, 10))
        .isInstanceOf(StreamNotFoundException.class);
    assertThat(store.append("s-1", noStream(), events(1)).firstRevision()).isEqualTo(2);
  }

  /** Small helper so revision checks read as one line. */
  static final class AppendResultAssert {
    static void revisions(AppendResult result, long first, long last) {
      assertThat(result.firstRevision()).isEqualTo(first);
      assertThat(result.lastRevision()).isEqualTo(last);
    }
  }
}
