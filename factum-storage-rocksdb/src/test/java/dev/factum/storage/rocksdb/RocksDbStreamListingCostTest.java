package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamInfo;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.engine.FactumStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page of a stream listing costs the page, not the store: listing 5 streams among 2,000 (each of
 * several events) decodes one event record per stream read (the cross-check of its last index
 * entry), wherever the page starts: the page, plus the stream after it that tells whether a next
 * page exists, plus, for a category, the seek for the stream named as the category itself. A
 * listing that scanned the log, or read every stream's events, would decode thousands.
 */
class RocksDbStreamListingCostTest {
  @TempDir Path directory;

  @Test
  void aPageDecodesOneEventPerListedStream() {
    RocksDbStorage storage = RocksDbStorage.open(directory);
    try (FactumStore store = FactumStore.open(storage)) {
      List<AppendRequest> batch = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        batch.add(
            new AppendRequest(
                String.format("c%d-%04d", i % 4, i),
                ExpectedRevision.noStream(),
                List.of(EventData.json("T", "{}"), EventData.json("T", "{}"))));
        if (batch.size() == 500) {
          store.appendAll(batch);
          batch = new ArrayList<>();
        }
      }
      for (String after : new String[] {null, "c1-0900", "c3-1500"}) {
        long before = storage.eventRecordsDecoded();
        StreamPage page = store.listStreams(new StreamQuery(null, null, after, 5, false));
        assertThat(page.streams()).hasSize(5).allMatch(s -> s.eventCount() == 2);
        assertThat(storage.eventRecordsDecoded() - before).isEqualTo(5 + 1);
      }
      long before = storage.eventRecordsDecoded();
      StreamPage category = store.listStreams(StreamQuery.all(3).withCategory("c2"));
      assertThat(category.streams())
          .extracting(StreamInfo::stream)
          .containsExactly("c2-0002", "c2-0006", "c2-0010");
      assertThat(storage.eventRecordsDecoded() - before).isEqualTo(3 + 1 + 1);
    }
  }
}
