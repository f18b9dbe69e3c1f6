package dev.factum.engine;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.Query;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.CommittedState;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.testing.InMemoryStorage;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The writer decides a condition without asking the indexes when no type or tag of its query was
 * committed after its position, and asks them otherwise: against a real in-memory storage whose
 * {@link CommittedState#firstMatch} calls are counted.
 */
class NewestPositionsTest {
  private final InMemoryStorage storage = InMemoryStorage.create();
  private final Counting state = new Counting(storage);

  /** Stages one append as a batch of its own and commits what it staged. */
  private static Object append(
      BatchStager stager, InMemoryStorage storage, CommittedState state, AppendRequest request) {
    stager.begin(state, Instant.parse("2026-01-01T00:00:00Z"), Instant.EPOCH);
    Object result;
    try {
      result =
          stager.stage(
              new WriteCommand.Append(
                  List.of(request),
                  false,
                  100,
                  request.events().size(),
                  new CompletableFuture<>()));
    } finally {
      storage.commit(stager.batch());
      stager.committed();
    }
    return result;
  }

  private static AppendRequest event(String type, String... tags) {
    return AppendRequest.of("s-" + type, any(), EventData.json(type, "{}").withTags(Set.of(tags)));
  }

  private static AppendRequest conditional(long after, Query query) {
    return event("C").withCondition(AppendCondition.failIfEventsMatch(query).after(after));
  }

  @Test
  void aConditionNoValueOfWhichWasCommittedAfterItsPositionNeedsNoIndexSeek() {
    BatchStager stager = new BatchStager(new HeadCache(100), 0, Instant.EPOCH);
    append(stager, storage, state, event("A", "x")); // position 0
    append(stager, storage, state, event("B", "y")); // position 1

    append(stager, storage, state, conditional(1, Query.tags("x"))); // position 2
    append(stager, storage, state, conditional(1, Query.tags("never-seen"))); // 3
    append(stager, storage, state, conditional(1, Query.types("A").or(Query.Item.tags("x")))); // 4
    // B was committed at 1, but no B carries x: the tag bounds the item.
    append(stager, storage, state, conditional(0, Query.of(Query.Item.types("B").withTags("x"))));
    assertThat(state.seeks).isZero();

    // y is newer than 0: the indexes answer, and they find the conflict.
    assertThatThrownBy(() -> append(stager, storage, state, conditional(0, Query.tags("y"))))
        .isInstanceOfSatisfying(
            AppendConditionFailedException.class, e -> assertThat(e.conflictingPosition()).isOne());
    assertThat(state.seeks).isOne();
    // C and w are both newer than 2 (no C carries w): the indexes answer, and find nothing.
    append(stager, storage, state, event("D", "w")); // 6
    append(stager, storage, state, conditional(2, Query.of(Query.Item.types("C").withTags("w"))));
    assertThat(state.seeks).isEqualTo(2);
    // A query matching everything cannot be bounded.
    assertThatThrownBy(() -> append(stager, storage, state, conditional(1, Query.all())))
        .isInstanceOf(AppendConditionFailedException.class);
    assertThat(state.seeks).isEqualTo(3);
  }

  @Test
  void whatWasCommittedBeforeTheWriterStartedOrUnseenIsLeftToTheIndexes() {
    BatchStager first = new BatchStager(new HeadCache(100), 0, Instant.EPOCH);
    append(first, storage, state, event("A", "x")); // 0
    append(first, storage, state, event("B", "y")); // 1
    // A new writer over the same storage knows nothing of 0 and 1.
    BatchStager second = new BatchStager(new HeadCache(100), 2, Instant.EPOCH);
    append(second, storage, state, conditional(0, Query.tags("x")));
    assertThat(state.seeks).isOne();
    assertThatThrownBy(() -> append(second, storage, state, conditional(0, Query.tags("y"))))
        .isInstanceOf(AppendConditionFailedException.class);
    assertThat(state.seeks).isEqualTo(2);
    append(second, storage, state, conditional(2, Query.tags("y"))); // 3: bounded by the floor
    assertThat(state.seeks).isEqualTo(2);
    // After a resync (events may have committed unseen) the floor rises to the durable position.
    second.resync(storage.lastPosition());
    append(second, storage, state, conditional(2, Query.tags("y")));
    assertThat(state.seeks).isEqualTo(3);
    // A stager for a shared storage never bounds.
    BatchStager shared =
        new BatchStager(new HeadCache(100), storage.lastPosition() + 1, Instant.EPOCH, false);
    append(shared, storage, state, conditional(storage.lastPosition(), Query.tags("never-seen")));
    assertThat(state.seeks).isEqualTo(3); // after == the newest position: nothing to look at
    append(shared, storage, state, conditional(0, Query.tags("never-seen")));
    assertThat(state.seeks).isEqualTo(4);
  }

  @Test
  void pastItsCapacityEverythingIsBoundedByTheNewestPositionSeen() {
    NewestPositions newest = new NewestPositions(-1);
    for (int i = 0; i <= NewestPositions.MAX_VALUES; i++) {
      newest.add(
          new RecordedEvent(
              UUID.randomUUID(),
              "s",
              i,
              i,
              Instant.EPOCH,
              "T",
              EventData.JSON,
              new byte[] {'1'},
              null,
              Set.of()));
    }
    assertThat(newest.bound(Query.tags("none"), NewestPositions.MAX_VALUES)).isEqualTo(-1);
    for (int i = 0; i < NewestPositions.MAX_VALUES; i++) {
      newest.add(
          new RecordedEvent(
              UUID.randomUUID(),
              "s",
              i,
              NewestPositions.MAX_VALUES + 1L + i,
              Instant.EPOCH,
              "T",
              EventData.JSON,
              new byte[] {'1'},
              null,
              Set.of("t" + i)));
    }
    assertThat(newest.bound(Query.tags("t0"), Long.MAX_VALUE))
        .isGreaterThanOrEqualTo(NewestPositions.MAX_VALUES + 1L);
    assertThat(newest.bound(Query.tags("none"), Long.MAX_VALUE))
        .isGreaterThanOrEqualTo(NewestPositions.MAX_VALUES);
  }

  /** The storage's committed state, counting the index seeks of condition checks. */
  private static final class Counting implements CommittedState {
    private final CommittedState real;
    int seeks;

    Counting(CommittedState real) {
      this.real = real;
    }

    @Override
    public StreamHead loadHead(String stream) {
      return real.loadHead(stream);
    }

    @Override
    public long findPosition(UUID eventId) {
      return real.findPosition(eventId);
    }

    @Override
    public long firstMatch(Query query, long after, long maxPosition) {
      seeks++;
      return real.firstMatch(query, after, maxPosition);
    }

    @Override
    public RecordedEvent readEvent(long position) {
      return real.readEvent(position);
    }

    @Override
    public StoreRecord readRecord(String namespace, String key) {
      return real.readRecord(namespace, key);
    }
  }
}
