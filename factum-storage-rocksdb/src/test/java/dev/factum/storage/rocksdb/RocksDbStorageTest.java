package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.DataCorruptedException;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState.Status;
import dev.factum.api.UnsupportedFormatException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.RecordWrite;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to the RocksDB storage: the format marker, refusal of damaged data on every
 * read path, and what {@code verify} reports about damage.
 */
class RocksDbStorageTest {
  @TempDir Path directory;

  private void writeSomeEvents() {
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      for (int i = 0; i < 10; i++) {
        store.append(
            "order-" + i % 3,
            any(),
            List.of(EventData.json("Placed", "{\"i\":" + i + "}").withTags(Set.of("t"))));
      }
    }
  }

  /**
   * Closing twice (the storage and the store that owns it both in try-with-resources, say) is a
   * no-op the second time: releasing RocksDB's native handles twice would crash the JVM.
   */
  @Test
  void closingTwiceIsHarmless() throws Exception {
    RocksDbStorage storage = RocksDbStorage.open(directory);
    try (storage;
        FactumStore store = FactumStore.open(storage)) {
      store.append("order-1", any(), List.of(EventData.json("Placed", "{}")));
    }
    storage.close();
    try (RocksDbStorage reopened = RocksDbStorage.open(directory)) {
      assertThat(reopened.verify(null).ok()).isTrue();
    }
  }

  @Test
  void aDirectoryOfAFutureFormatVersionIsRefusedAndLeftUntouched() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.db.put(
          raw.family("default"),
          FormatMarker.KEY,
          FormatMarker.encode(FormatMarker.CURRENT_VERSION + 1));
    }
    assertThatThrownBy(() -> RocksDbEventStore.open(directory))
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining("version " + (FormatMarker.CURRENT_VERSION + 1))
        .hasMessageContaining("upgrade");
    try (RawRocks raw = new RawRocks(directory)) {
      assertThat(FormatMarker.check(FormatMarker.encode(1))).isEqualTo(1);
      assertThat(raw.db.get(raw.family("default"), FormatMarker.KEY))
          .isEqualTo(FormatMarker.encode(FormatMarker.CURRENT_VERSION + 1));
      raw.db.put(raw.family("default"), FormatMarker.KEY, FormatMarker.encode(3));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.headPosition()).isEqualTo(9);
    }
  }

  /**
   * A version 1 directory (written before deletes had events, same layouts otherwise) is upgraded
   * to the current version when it is opened, and takes deletion events and store records.
   */
  @Test
  void aVersionOneDirectoryIsUpgradedToTheCurrentVersionAtOpen() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.db.put(raw.family("default"), FormatMarker.KEY, FormatMarker.encode(1));
      raw.unchain(); // a version 1 directory has no hash chain
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      store.delete("order-0", any());
      assertThat(store.readAll(0, Direction.FORWARD, 100, null).events().getLast().deletion())
          .contains(new StreamDeletion("order-0", 4, false));
      assertThat(store.verify().ok()).isTrue();
    }
    try (RawRocks raw = new RawRocks(directory)) {
      assertThat(raw.db.get(raw.family("default"), FormatMarker.KEY))
          .isEqualTo(FormatMarker.encode(FormatMarker.CURRENT_VERSION));
    }
  }

  /**
   * A directory written by the previous build (format 2: six column families, no store records;
   * checked in under test resources, written by commit 89996ce) opens with everything it held,
   * becomes the current version, keeps store records across a reopen, and verifies clean. Its plain
   * streams have head records, which this version no longer updates: appends across reopens still
   * get the next revisions (the head comes from the stream index).
   */
  @Test
  void aRealFormatTwoDirectoryIsUpgradedToTheCurrentVersionAndKeepsEverything() throws Exception {
    for (String file :
        List.of("000004.log", "CURRENT", "IDENTITY", "MANIFEST-000005", "OPTIONS-000007")) {
      try (InputStream in = getClass().getResourceAsStream("format-2-store/" + file)) {
        Files.copy(in, directory.resolve(file));
      }
    }
    try (RawRocks raw = RawRocks.formatTwo(directory)) {
      assertThat(raw.db.get(raw.family("default"), FormatMarker.KEY))
          .isEqualTo(FormatMarker.encode(2));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.headPosition()).isEqualTo(6);
      List<RecordedEvent> log = store.readAll(0, Direction.FORWARD, 100, null).events();
      assertThat(log).hasSize(7);
      assertThat(log.get(5).data()).isEqualTo("{\"i\":5}".getBytes(StandardCharsets.UTF_8));
      assertThat(log.getLast().deletion()).contains(new StreamDeletion("order-2", 2, false));
      assertThat(store.records().list("app.settings")).isEmpty();
      assertThat(
              store
                  .records()
                  .write(
                      List.of(
                          RecordWrite.put(
                              "app.settings", "a", new byte[] {1, 2}, RecordWrite.ABSENT))))
          .containsExactly(1L);
      assertThat(store.verify().ok()).isTrue();
    }
    try (RawRocks raw = new RawRocks(directory)) {
      assertThat(raw.db.get(raw.family("default"), FormatMarker.KEY))
          .isEqualTo(FormatMarker.encode(FormatMarker.CURRENT_VERSION));
      assertThat(raw.db.get(raw.family("heads"), Keys.utf8("order-0"))).isNotNull();
    }
    long before;
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.records().read("app.settings", "a").value()).containsExactly(1, 2);
      assertThat(store.streamState("order-2").status()).isEqualTo(Status.DELETED);
      assertThat(store.verify().ok()).isTrue();
      before = store.streamState("order-0").lastRevision();
      assertThat(
              store
                  .append("order-0", any(), List.of(EventData.json("Placed", "{}")))
                  .lastRevision())
          .isEqualTo(before + 1);
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.streamState("order-0").lastRevision()).isEqualTo(before + 1);
      assertThat(
              store
                  .append(
                      "order-0",
                      ExpectedRevision.exact(before + 1),
                      List.of(EventData.json("Paid", "{}")))
                  .lastRevision())
          .isEqualTo(before + 2);
      assertThat(store.readStream("order-0", 0, Direction.FORWARD, 100).events())
          .extracting(RecordedEvent::revision)
          .containsExactly(LongStream.rangeClosed(0, before + 2).boxed().toArray(Long[]::new));
      assertThat(store.verify().ok()).isTrue();
    }
  }

  /**
   * Appends to a plain stream write no head record (its head is its last stream-index entry); a
   * delete writes one, and every later append to that stream keeps it exact, across a reopen.
   */
  @Test
  void onlyHeadsThatAreNotPlainAreStored() throws Exception {
    writeSomeEvents();
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      store.delete("order-1", any());
      store.append("order-1", any(), List.of(EventData.json("Placed", "{}")));
    }
    try (RawRocks raw = new RawRocks(directory)) {
      assertThat(raw.db.get(raw.family("heads"), Keys.utf8("order-0"))).isNull();
      assertThat(raw.db.get(raw.family("heads"), Keys.utf8("order-2"))).isNull();
      byte[] head = raw.db.get(raw.family("heads"), Keys.utf8("order-1"));
      assertThat(HeadRecordCodec.decode(Keys.utf8("order-1"), head).lastRevision()).isEqualTo(3);
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.streamState("order-0").lastRevision()).isEqualTo(3);
      assertThat(
              store
                  .append(
                      "order-0", ExpectedRevision.exact(3), List.of(EventData.json("Paid", "{}")))
                  .lastRevision())
          .isEqualTo(4);
      assertThat(
              store
                  .append(
                      "order-1", ExpectedRevision.exact(3), List.of(EventData.json("Paid", "{}")))
                  .lastRevision())
          .isEqualTo(4);
      assertThat(store.readStream("order-1", 0, Direction.FORWARD, 100).events())
          .extracting(RecordedEvent::revision)
          .containsExactly(3L, 4L);
      assertThat(store.verify().ok()).isTrue();
    }
    try (RawRocks raw = new RawRocks(directory)) {
      byte[] head = raw.db.get(raw.family("heads"), Keys.utf8("order-1"));
      assertThat(HeadRecordCodec.decode(Keys.utf8("order-1"), head).lastRevision()).isEqualTo(4);
      raw.db.delete(raw.family("heads"), Keys.utf8("order-1"));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.verify().problems())
          .anyMatch(p -> p.contains("'order-1' was deleted") && p.contains("but has no head"));
    }
  }

  /** A store record whose bytes were damaged behind the engine's back is refused and reported. */
  @Test
  void aDamagedStoreRecordIsRefusedOnReadAndNamedByVerify() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      store.records().write(List.of(RecordWrite.put("app", "k", new byte[] {7}, RecordWrite.ANY)));
    }
    try (RawRocks raw = new RawRocks(directory)) {
      byte[] key = RecordCodec.key("app", "k");
      byte[] value = raw.db.get(raw.family("records"), key);
      value[8] ^= 1;
      raw.db.put(raw.family("records"), key, value);
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThatThrownBy(() -> store.records().read("app", "k"))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("app/k");
      assertThat(store.verify().problems()).anyMatch(p -> p.contains("app/k"));
    }
  }

  /** Deletion events written behind the engine's back, each disagreeing with its stream. */
  @Test
  void verifyNamesDeletionEventsThatDisagreeWithTheirStreams() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
      storage.commit(
          new CommitBatch(
              List.of(
                  new RecordedEvent(
                      UUID.randomUUID(),
                      "s-1",
                      0,
                      0,
                      now,
                      "A",
                      EventData.JSON,
                      "{}".getBytes(StandardCharsets.UTF_8),
                      null,
                      Set.of()),
                  deletion(new StreamDeletion("s-1", 5, false), 0, 1, now),
                  deletion(new StreamDeletion("s-2", 0, true), 1, 2, now)),
              Map.of(
                  "s-1",
                  new StreamHead(0, 0, 0, Status.ACTIVE),
                  StreamDeletion.STREAM,
                  new StreamHead(1, 2, 0, Status.ACTIVE))));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.verify().problems())
          .anyMatch(p -> p.contains("deletes 's-1' before revision 5 where 1 was due"))
          // s-1's head is plain, so it is not stored at all: no record holds the deletion
          .anyMatch(p -> p.contains("'s-1' was deleted") && p.contains("no head"))
          .anyMatch(p -> p.contains("'s-2' was deleted") && p.contains("no head"));
    }
  }

  private static RecordedEvent deletion(
      StreamDeletion deletion, long revision, long position, Instant at) {
    return new RecordedEvent(
        UUID.randomUUID(),
        StreamDeletion.STREAM,
        revision,
        position,
        at,
        deletion.type(),
        EventData.JSON,
        deletion.json(),
        null,
        Set.of());
  }

  @Test
  void aDamagedFormatMarkerIsRefused() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      byte[] marker = FormatMarker.encode(1);
      marker[9] ^= 1;
      raw.db.put(raw.family("default"), FormatMarker.KEY, marker);
    }
    assertThatThrownBy(() -> RocksDbEventStore.open(directory))
        .isInstanceOf(DataCorruptedException.class);
  }

  @Test
  void theSameDirectoryCannotBeOpenedTwice() {
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.headPosition()).isEqualTo(-1);
      assertThatThrownBy(() -> RocksDbEventStore.open(directory))
          .isInstanceOf(StorageFailureException.class)
          .hasMessageContaining("another Factum process holds");
    }
  }

  @Test
  void aDamagedEventIsRefusedOnEveryReadPathAndNamedByVerify() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      byte[] record = raw.db.get(raw.family("log"), Keys.position(4));
      record[record.length - 3] ^= 0x20; // flip one bit of the data
      raw.db.put(raw.family("log"), Keys.position(4), record);
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThatThrownBy(() -> store.readAll(0, Direction.FORWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("position 4");
      assertThatThrownBy(() -> store.readStream("order-1", 0, Direction.FORWARD, 100))
          .isInstanceOf(DataCorruptedException.class);
      assertThatThrownBy(() -> store.readAll(0, Direction.FORWARD, 100, LogFilter.tags("t")))
          .isInstanceOf(DataCorruptedException.class);
      assertThat(store.readAll(0, Direction.FORWARD, 4, LogFilter.none()).events()).hasSize(4);
      VerifyReport report = store.verify();
      assertThat(report.ok()).isFalse();
      assertThat(report.problems())
          .anyMatch(p -> p.contains("position 4") && p.contains("checksum"));
    }
  }

  @Test
  void aWrongStreamIndexEntryIsNeverServedAndIsNamedByVerify() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      // order-1@0 is position 1; point it at position 2, an event of order-2
      raw.db.put(
          raw.family("stream-index"),
          Keys.withLong(Keys.streamPrefix("order-1"), 0),
          Keys.position(2));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThatThrownBy(() -> store.readStream("order-1", 0, Direction.FORWARD, 10))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("order-1@0");
      assertThat(store.verify().problems()).anyMatch(p -> p.contains("order-1@0"));
    }
  }

  @Test
  void aHoleInTheLogIsNeverSkippedSilently() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.db.delete(raw.family("log"), Keys.position(5));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThatThrownBy(() -> store.readAll(0, Direction.FORWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("position 5");
      assertThatThrownBy(() -> store.readAll(9, Direction.BACKWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("position 5");
      VerifyReport report = store.verify();
      assertThat(report.problems()).anyMatch(p -> p.contains("jumps from position 4 to 6"));
    }
  }

  @Test
  void aHoleAtTheStartOfTheLogIsNeverSkippedSilently() throws Exception {
    // A backward read that runs off the start of the data must still account for position 0.
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.db.delete(raw.family("log"), Keys.position(0));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThatThrownBy(() -> store.readAll(9, Direction.BACKWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("position 0");
      assertThatThrownBy(() -> store.readAll(0, Direction.FORWARD, 100, LogFilter.none()))
          .isInstanceOf(DataCorruptedException.class)
          .hasMessageContaining("position 0");
    }
  }

  @Test
  void missingIndexEntriesAreFoundByVerify() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.db.delete(raw.family("filter-index"), Keys.withLong(Keys.filterPrefix(Keys.TAG, "t"), 3));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      VerifyReport report = store.verify();
      assertThat(report.problemCount()).isEqualTo(2);
      assertThat(report.problems())
          .anyMatch(p -> p.contains("filter index entry g:t of position 3 is missing"))
          .anyMatch(p -> p.contains("filter index has 29 entries where 30 were due"));
    }
  }

  @Test
  void verifyNamesMissingCategoryAndTypeEntriesAndARevisionGap() throws Exception {
    writeSomeEvents();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.db.delete(
          raw.family("filter-index"), Keys.withLong(Keys.filterPrefix(Keys.CATEGORY, "order"), 3));
      raw.db.delete(
          raw.family("filter-index"), Keys.withLong(Keys.filterPrefix(Keys.TYPE, "Placed"), 4));
      // The last event of order-0 (position 9, revision 3) rewritten, checksum and all, as
      // revision 4: a well-formed record, only the revisions of its stream now have a gap.
      byte[] key = Keys.position(9);
      RecordedEvent event = EventRecordCodec.decode(9, raw.db.get(raw.family("log"), key));
      RecordedEvent skipped =
          new RecordedEvent(
              event.id(),
              event.stream(),
              event.revision() + 1,
              event.position(),
              event.timestamp(),
              event.type(),
              event.contentType(),
              event.data(),
              event.metadata(),
              event.tags());
      raw.db.put(raw.family("log"), key, EventRecordCodec.encode(skipped));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      VerifyReport report = store.verify();
      assertThat(report.problems())
          .anyMatch(p -> p.contains("filter index entry c:order of position 3 is missing"))
          .anyMatch(p -> p.contains("filter index entry t:Placed of position 4 is missing"))
          .anyMatch(p -> p.contains("stream 'order-0' has revision 4 at position 9"));
    }
  }

  @Test
  void aCleanStoreVerifiesWithItsCounts() {
    writeSomeEvents();
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      VerifyReport report = store.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      assertThat(report.events()).isEqualTo(10);
      assertThat(report.streams()).isEqualTo(3);
      assertThat(report.indexEntries()).isEqualTo(10 + 10 + 30);
    }
  }
}
