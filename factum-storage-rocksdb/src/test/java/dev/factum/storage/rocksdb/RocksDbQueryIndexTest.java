package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DCB query of several items is answered from the type and tag indexes: the read decodes exactly
 * the events that match an item, never the ones that match none (issue 15, item 4). The count is
 * the storage's own tally of event records decoded from the log, so a reader that scanned the log
 * and filtered (tried: {@code readLog} through {@code scanLog} plus a filter) fails with thousands
 * of decodes where a few dozen are due.
 */
class RocksDbQueryIndexTest {
  private static final int EVENTS = 5_000;
  private static final int TAGS = 500;

  @TempDir Path directory;

  @Test
  void aQueryOfSeveralItemsReadsOnlyTheEventsThatMatch() {
    RocksDbStorage storage = RocksDbStorage.open(directory);
    try (FactumStore store = FactumStore.open(storage)) {
      List<EventData> batch = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        Set<String> tags =
            i % 1_000 == 7
                ? Set.of("k-" + (i % TAGS), "rare")
                : Set.of("k-" + (i % TAGS), "g-" + (i % 7));
        batch.add(EventData.json("t" + (i % 10), "{\"i\":" + i + "}").withTags(tags));
        if (batch.size() == 500) {
          store.append("s-" + i, any(), batch);
          batch = new ArrayList<>();
        }
      }
      Query query =
          Query.of(
              Query.Item.types("t3").withTags("k-13"), // 10 events: i % 500 == 13 has type t3
              Query.Item.tags("rare"), // 5 events
              Query.Item.of(List.of("t4", "t5"), List.of("k-24", "g-3"))); // k-24 and g-3 both
      long expected = countMatches(store, query);
      assertThat(expected).as("the matches are a small fraction").isBetween(10L, EVENTS / 50L);

      long before = storage.eventRecordsDecoded();
      List<RecordedEvent> forward = readAll(store, query, Direction.FORWARD);
      long forwardReads = storage.eventRecordsDecoded() - before;
      before = storage.eventRecordsDecoded();
      List<RecordedEvent> backward = readAll(store, query, Direction.BACKWARD);
      long backwardReads = storage.eventRecordsDecoded() - before;

      assertThat(forward).hasSize((int) expected).allMatch(query::matches);
      assertThat(backward).hasSize((int) expected).allMatch(query::matches);
      assertThat(forwardReads).as("event records decoded, forward").isEqualTo(expected);
      assertThat(backwardReads).as("event records decoded, backward").isEqualTo(expected);
    }
  }

  /** Reads the query's matches in pages of 7 (so several index walks and fetches). */
  private static List<RecordedEvent> readAll(FactumStore store, Query query, Direction direction) {
    List<RecordedEvent> events = new ArrayList<>();
    long from = direction == Direction.FORWARD ? 0 : store.headPosition();
    while (true) {
      ReadPage page = store.readByQuery(query, from, direction, 7);
      events.addAll(page.events());
      if (page.endOfRead()) {
        return events;
      }
      from = page.next();
    }
  }

  private static long countMatches(FactumStore store, Query query) {
    long matches = 0;
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 1_000, LogFilter.none());
      matches += page.events().stream().filter(query::matches).count();
      if (page.endOfRead()) {
        return matches;
      }
      from = page.next();
    }
  }
}
