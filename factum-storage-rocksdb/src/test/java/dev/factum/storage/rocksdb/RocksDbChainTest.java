package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.EventData;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.ChainBatch;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.VerifyReport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;

/**
 * The tamper-evident log on RocksDB (docs/LIFECYCLE.md, "Tamper evidence"): damage is made through
 * RocksDB's own API with the store closed, the way a knowledgeable attacker or a bad disk would,
 * and {@code verify} must name where the chain breaks.
 */
class RocksDbChainTest {
  private Path directory;

  @BeforeEach
  void createDirectory() throws IOException {
    directory = Files.createTempDirectory("factum-chain-");
  }

  @AfterEach
  void deleteDirectory() throws IOException {
    RocksDbFixture.deleteTree(directory);
  }

  /** Four commit batches of 1, 3, 1 and 5 events: positions 0..9. */
  private ChainHead writeBatches() {
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      int i = 0;
      for (int size : new int[] {1, 3, 1, 5}) {
        List<AppendRequest> appends = new ArrayList<>();
        for (int k = 0; k < size; k++, i++) {
          appends.add(
              new AppendRequest(
                  "order-" + i % 3,
                  any(),
                  List.of(
                      EventData.json(
                          "Placed", "{\"i\":" + i + ",\"marker\":\"" + marker(i) + "\"}"))));
        }
        store.appendAll(appends);
      }
      ChainHead head = store.chainHead();
      assertThat(head.position()).isEqualTo(9);
      assertThat(head.chainedFrom()).isZero();
      return head;
    }
  }

  /** A string of each event's that no compression shares with another event's. */
  private static String marker(int i) {
    return UUID.nameUUIDFromBytes(("event-" + i).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private VerifyReport verify(ChainAnchor anchor) {
    try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
      return storage.verify(anchor);
    }
  }

  @Test
  void aCleanStoreVerifiesAndItsHeadIsTheChainOfItsStoredBytes() throws Exception {
    ChainHead head = writeBatches();
    VerifyReport report = verify(head.anchor());
    assertThat(report.ok()).as("%s", report).isTrue();
    assertThat(report.chain().head()).isEqualTo(head);
    assertThat(report.toString()).contains("chain intact").contains("head 9:" + head.hash());
    // Recomputed from the raw log values: the chain is over exactly the stored bytes.
    byte[] value = HashChain.genesis();
    HashChain hashes = new HashChain();
    try (RawRocks raw = new RawRocks(directory);
        RocksIterator it = raw.db.newIterator(raw.family("log"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        value = hashes.next(value, hashes.digest(it.value()));
      }
      assertThat(chainRecords(raw))
          .extracting(ChainBatch::range)
          .containsExactly("[0..0]", "[1..3]", "[4..4]", "[5..9]");
    }
    assertThat(HexFormat.of().formatHex(value)).isEqualTo(head.hash());
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.chainHead()).isEqualTo(head); // recovered at open
      store.append("order-9", any(), List.of(EventData.json("Paid", "{}")));
      assertThat(store.chainHead().position()).isEqualTo(10);
      assertThat(store.verify(head.anchor()).ok()).isTrue();
    }
  }

  /**
   * A knowledgeable attacker rewrites one event's stored value with a byte changed and its record
   * checksum recomputed: every record-level check passes, and the chain names exactly that
   * position.
   */
  @Test
  void anEventRewrittenWithItsChecksumRecomputedIsNamedByItsPosition() throws Exception {
    writeBatches();
    try (RawRocks raw = new RawRocks(directory)) {
      ColumnFamilyHandle log = raw.family("log");
      RecordedEvent original = EventRecordCodec.decode(6, raw.db.get(log, Keys.position(6)));
      byte[] data = original.data().clone();
      data[5] = (byte) (data[5] + 1); // {"i":6 -> {"i":7
      raw.db.put(log, Keys.position(6), EventRecordCodec.encode(withData(original, data)));
    }
    VerifyReport report = verify(null);
    assertThat(report.ok()).isFalse();
    assertThat(report.chain().firstBreak()).isEqualTo(6);
    assertThat(report.problems())
        .containsExactly(
            "the event at position 6 was changed after it was committed: its stored bytes are not"
                + " the ones chained");
  }

  /** A chain record rewritten (with its checksum recomputed) is named by its batch. */
  @Test
  void anAlteredChainRecordIsNamedByItsBatch() throws Exception {
    writeBatches();
    try (RawRocks raw = new RawRocks(directory)) {
      ColumnFamilyHandle chain = raw.family("chain");
      ChainBatch batch =
          ChainRecordCodec.decode(Keys.position(3), raw.db.get(chain, Keys.position(3)));
      List<byte[]> digests = new ArrayList<>(batch.digests());
      digests.set(1, new HashChain().digest("forged".getBytes(StandardCharsets.UTF_8)));
      raw.db.put(
          chain,
          Keys.position(3),
          ChainRecordCodec.encode(new ChainBatch(1, 3, batch.chain(), digests)));
      // and one record dropped: its positions have no chain record any more
      raw.db.delete(chain, Keys.position(4));
    }
    VerifyReport report = verify(null);
    assertThat(report.chain().firstBreak()).isEqualTo(1);
    assertThat(report.problems())
        .containsExactly(
            "the chain record of batch [1..3] was altered: its digests are not those of the"
                + " events, which match its chain value",
            "position 4 has no chain record: a chain record is missing");
  }

  /**
   * A byte flipped inside a table file of the log: RocksDB's block checksum refuses the block, and
   * the chain names the first position it held (its stored bytes can no longer be read). More
   * events follow in later blocks, so the store still opens (a damaged newest block refuses the
   * open, which {@code factum verify} reports as damage too).
   */
  @Test
  void aByteFlippedInATableFileIsReportedWithThePositionsItHeld() throws Exception {
    writeBatches();
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      List<EventData> more = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        more.add(EventData.json("Filled", "{\"pad\":\"" + marker(i + 100).repeat(3) + "\"}"));
      }
      store.append("filler", any(), more);
    }
    KnownStore.flushToSstFiles(directory);
    // The log's table file, found by RocksDB's own listing; its first data block starts at 0.
    Path damaged;
    try (RawRocks raw = new RawRocks(directory)) {
      damaged =
          raw.db.getLiveFilesMetaData().stream()
              .filter(f -> new String(f.columnFamilyName(), StandardCharsets.UTF_8).equals("log"))
              .map(f -> directory.resolve(f.fileName().replaceFirst("^/", "")))
              .findFirst()
              .orElseThrow();
    }
    try (RandomAccessFile file = new RandomAccessFile(damaged.toFile(), "rw")) {
      file.seek(40);
      int b = file.read();
      file.seek(40);
      file.write(b ^ 0x10);
    }
    VerifyReport report = verify(null);
    assertThat(report.ok()).isFalse();
    assertThat(report.problems())
        .anyMatch(p -> p.startsWith("the log cannot be read after position -1"));
    assertThat(report.problems()).anyMatch(p -> p.contains("table file is damaged"));
    // The first block of the log's table file holds position 0: the chain names it.
    assertThat(report.chain().firstBreak()).isZero();
    assertThat(report.problems())
        .contains(
            "position "
                + report.chain().firstBreak()
                + " holds no readable event, but its chain record holds its digest");
  }

  /**
   * Without an anchor, an attacker who rewrites an event and recomputes every chain record after it
   * leaves a consistent chain; an anchor noted before the rewrite catches it.
   */
  @Test
  void aStoreRechainedAfterARewriteFailsAnAnchorTakenBefore() throws Exception {
    ChainHead before = writeBatches();
    ChainAnchor earlier;
    try (RocksDbStorage storage = RocksDbStorage.open(directory)) {
      earlier = storage.verify(null).chain().head().anchor();
    }
    try (RawRocks raw = new RawRocks(directory)) {
      ColumnFamilyHandle log = raw.family("log");
      RecordedEvent original = EventRecordCodec.decode(2, raw.db.get(log, Keys.position(2)));
      byte[] data = original.data().clone();
      data[5] = (byte) (data[5] + 1);
      raw.db.put(log, Keys.position(2), EventRecordCodec.encode(withData(original, data)));
      rechain(raw);
    }
    assertThat(verify(null).ok()).as("a re-chained store is consistent without an anchor").isTrue();
    VerifyReport anchored = verify(before.anchor());
    assertThat(anchored.ok()).isFalse();
    assertThat(anchored.chain().firstBreak()).isEqualTo(9);
    assertThat(anchored.problems().getFirst())
        .startsWith("the chain at position 9 is ")
        .endsWith(
            "not the anchor's "
                + earlier.hash()
                + ": the log at or before 9 was rewritten"
                + " and re-chained");
    // An anchor beyond the head: the log was cut short after it was taken.
    assertThat(verify(new ChainAnchor(12, before.hash())).problems())
        .containsExactly(
            "the anchor at 12 is beyond the chain's head at 9: the log was cut short after the"
                + " anchor was taken");
  }

  /**
   * A store written before the chain (format 4) is chained from its first new position: verify says
   * it is not chained before it, and passes.
   */
  @Test
  void aFormatFourStoreIsChainedFromWhereTheUpgradeFoundIt() throws Exception {
    writeBatches();
    try (RawRocks raw = new RawRocks(directory)) {
      raw.unchain();
      raw.db.put(raw.family("default"), FormatMarker.KEY, FormatMarker.encode(4));
    }
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      assertThat(store.chainHead()).isEqualTo(new ChainHead(9, ChainHead.GENESIS, 10));
      store.append("order-1", any(), List.of(EventData.json("Paid", "{}")));
      VerifyReport report = store.verify();
      assertThat(report.ok()).as("%s", report).isTrue();
      assertThat(report.chain().head().position()).isEqualTo(10);
      assertThat(report.toString()).contains("(not chained before 10)");
      assertThat(store.verify(new ChainAnchor(3, ChainHead.GENESIS)).problems())
          .containsExactly("the anchor at 3 is before the chain starts at 10");
    }
    try (RawRocks raw = new RawRocks(directory)) {
      assertThat(raw.db.get(raw.family("default"), FormatMarker.KEY))
          .isEqualTo(FormatMarker.encode(FormatMarker.CURRENT_VERSION));
    }
  }

  /** Recomputes every chain record from the log, as an attacker with the format would. */
  private static void rechain(RawRocks raw) throws Exception {
    HashChain hashes = new HashChain();
    byte[] value = HashChain.genesis();
    for (ChainBatch batch : chainRecords(raw)) {
      List<byte[]> digests = new ArrayList<>();
      for (long p = batch.first(); p <= batch.last(); p++) {
        byte[] digest = hashes.digest(raw.db.get(raw.family("log"), Keys.position(p)));
        digests.add(digest);
        value = hashes.next(value, digest);
      }
      raw.db.put(
          raw.family("chain"),
          Keys.position(batch.last()),
          ChainRecordCodec.encode(new ChainBatch(batch.first(), batch.last(), value, digests)));
    }
  }

  private static List<ChainBatch> chainRecords(RawRocks raw) {
    List<ChainBatch> found = new ArrayList<>();
    try (RocksIterator it = raw.db.newIterator(raw.family("chain"))) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        found.add(ChainRecordCodec.decode(it.key(), it.value()));
      }
    }
    return found;
  }

  private static RecordedEvent withData(RecordedEvent e, byte[] data) {
    return new RecordedEvent(
        e.id(),
        e.stream(),
        e.revision(),
        e.position(),
        e.timestamp(),
        e.type(),
        e.contentType(),
        data,
        e.metadata(),
        e.tags());
  }
}
