package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamState;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link WriteBatchRep} builds exactly what RocksDB's own {@link WriteBatch} builds: the same
 * batches are laid out through both, on a real database's column families, and {@code data()} is
 * compared byte for byte; then RocksDB applies the built representation. One database serves every
 * test: making its 139 column families takes seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteBatchRepTest {
  /** Column families created before the last one, so that its id needs a two-byte varint. */
  private static final int FILLER_FAMILIES = 130;

  private Path directory;
  private DBOptions options;
  private RocksDB db;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final Map<Integer, ColumnFamilyHandle> byId = new HashMap<>();
  private ColumnFamilyHandle farFamily;

  @BeforeAll
  void open() throws IOException, RocksDBException {
    directory = Files.createTempDirectory("factum-rep-");
    options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : RocksDbStorage.COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(Keys.utf8(name)));
    }
    db = RocksDB.open(options, directory.toString(), descriptors, handles);
    for (int i = 0; i < FILLER_FAMILIES; i++) {
      handles.add(db.createColumnFamily(new ColumnFamilyDescriptor(Keys.utf8("filler-" + i))));
    }
    farFamily = db.createColumnFamily(new ColumnFamilyDescriptor(Keys.utf8("far")));
    handles.add(farFamily);
    for (ColumnFamilyHandle handle : handles) {
      byId.put(handle.getID(), handle);
    }
    assertThat(farFamily.getID()).isGreaterThan(127);
  }

  @AfterAll
  void close() throws IOException {
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    options.close();
    RocksDbFixture.deleteTree(directory);
  }

  private ColumnFamilyHandle family(String name) {
    return handles.get(RocksDbStorage.COLUMN_FAMILIES.indexOf(name));
  }

  /** The store's families, with the chain's records put in the far family (a two-byte id). */
  private CommitLayout.Families families() {
    return new CommitLayout.Families(
        family("log").getID(),
        family("heads").getID(),
        family("stream-index").getID(),
        family("event-ids").getID(),
        family("filter-index").getID(),
        family("records").getID(),
        farFamily.getID());
  }

  @Test
  void everyKindOfRecordTheStoreWritesIsBuiltAsWriteBatchBuildsIt() throws RocksDBException {
    Random random = new Random(18);
    ChainLink repChain = new ChainLink(-1, HashChain.genesis());
    ChainLink batchChain = repChain;
    CommitLayout repLayout =
        new CommitLayout(families(), true, new HashChain(), new RemovedRanges());
    CommitLayout batchLayout =
        new CommitLayout(families(), true, new HashChain(), new RemovedRanges());
    long position = 0;
    for (int round = 0; round < 40; round++) {
      CommitBatch batch = batch(random, position, round);
      position += batch.events().size();
      WriteBatchRep rep = new WriteBatchRep(round % 2 == 0 ? 0 : 1 << 16); // grows, or not
      ChainLink repNext = repLayout.layOut(batch, repChain, rep);
      try (WriteBatch reference = new WriteBatch()) {
        ChainLink batchNext =
            batchLayout.layOut(batch, batchChain, new WriteBatchSink(reference, byId));
        assertThat(rep.toByteArray()).as("round %d", round).isEqualTo(reference.data());
        assertThat(rep.count()).isEqualTo(reference.count());
        if (batch.events().isEmpty()) {
          assertThat(repNext).isNull();
          assertThat(batchNext).isNull();
        } else {
          assertThat(repNext.position()).isEqualTo(batchNext.position());
          assertThat(repNext.value()).isEqualTo(batchNext.value());
          repChain = repNext;
          batchChain = batchNext;
        }
      }
      try (WriteBatch built = rep.toWriteBatch();
          WriteOptions write = new WriteOptions()) {
        assertThat(built.data()).isEqualTo(rep.toByteArray());
        db.write(write, built); // RocksDB parses and applies it: no "bad WriteBatch"
      }
    }
    // What the last round's batch put is there (its events' log records).
    assertThat(db.get(family("log"), Keys.position(position - 1))).isNotNull();
  }

  @Test
  void lengthsAndIdsAtVarintBoundariesAreBuiltAsWriteBatchBuildsThem() throws RocksDBException {
    int[] lengths = {0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152};
    int[] families = {0, family("log").getID(), farFamily.getID()};
    WriteBatchRep rep = new WriteBatchRep(0);
    try (WriteBatch reference = new WriteBatch()) {
      BatchSink sink = new WriteBatchSink(reference, byId);
      for (int id : families) {
        for (int length : lengths) {
          byte[] key = filled(Math.min(length, 20_000) + 1, id); // a key is never empty here
          byte[] value = filled(length, length);
          rep.put(id, key, value);
          sink.put(id, key, value);
          rep.delete(id, key);
          sink.delete(id, key);
          rep.put(id, key, new byte[0]);
          sink.put(id, key, new byte[0]);
        }
      }
      assertThat(rep.toByteArray()).isEqualTo(reference.data());
      assertThat(rep.count()).isEqualTo(reference.count()).isEqualTo(3 * 3 * lengths.length);
    }
    try (WriteBatch built = rep.toWriteBatch();
        WriteOptions write = new WriteOptions()) {
      db.write(write, built);
    }
    byte[] lastKey = filled(20_001, farFamily.getID());
    assertThat(db.get(farFamily, lastKey)).isEmpty(); // put, deleted, put again empty
  }

  @Test
  void anEmptyBuilderIsAnEmptyBatch() throws RocksDBException {
    try (WriteBatch empty = new WriteBatch()) {
      assertThat(new WriteBatchRep(0).toByteArray()).isEqualTo(empty.data()).hasSize(12);
    }
  }

  /**
   * Why the byte-for-byte comparison matters: RocksDB checks a representation only while applying
   * it, after its WAL write, and a wrong one stops the database (every later write fails), so the
   * builder must never hand over a malformed batch. Its own database: this one stops.
   */
  @Test
  void aMalformedRepresentationStopsTheDatabase() throws IOException, RocksDBException {
    Path own = Files.createTempDirectory("factum-rep-bad-");
    try (Options open = new Options().setCreateIfMissing(true);
        RocksDB stopped = RocksDB.open(open, own.toString());
        WriteOptions write = new WriteOptions()) {
      WriteBatchRep rep = new WriteBatchRep(0);
      rep.put(0, Keys.utf8("wrong-count"), new byte[] {1});
      byte[] bytes = rep.toByteArray();
      bytes[8] = 2; // claims two records
      try (WriteBatch built = new WriteBatch(bytes)) {
        assertThatThrownBy(() -> stopped.write(write, built))
            .isInstanceOf(RocksDBException.class)
            .hasMessageContaining("wrong count");
      }
      assertThat(stopped.get(Keys.utf8("wrong-count"))).isNull();
      WriteBatchRep good = new WriteBatchRep(0);
      good.put(0, Keys.utf8("after"), new byte[] {2});
      try (WriteBatch built = good.toWriteBatch()) {
        assertThatThrownBy(() -> stopped.write(write, built)).isInstanceOf(RocksDBException.class);
      }
    } finally {
      RocksDbFixture.deleteTree(own);
    }
  }

  /**
   * A commit batch with what the store writes: events with and without tags and metadata (data from
   * empty to large), heads of deleted and tombstoned streams, store records deleted and written,
   * and removals (every few rounds).
   */
  private static CommitBatch batch(Random random, long first, int round) {
    List<RecordedEvent> events = new ArrayList<>();
    Map<String, StreamHead> heads = new LinkedHashMap<>();
    int count = round % 7 == 6 ? 0 : 1 + random.nextInt(round % 3 == 0 ? 64 : 8);
    for (int i = 0; i < count; i++) {
      String stream = "order-" + random.nextInt(50) + (round % 5 == 0 ? "-é€" : "");
      int dataLength =
          switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 130 + random.nextInt(200);
            case 2 -> 20_000 + random.nextInt(1000);
            default -> random.nextInt(100);
          };
      events.add(event(random, stream, first + i, dataLength));
      heads.put(stream, new StreamHead(i, first + i, 0, StreamState.Status.ACTIVE));
    }
    if (round % 4 == 1) {
      heads.put("deleted-" + round, new StreamHead(3, 1, 4, StreamState.Status.DELETED));
      heads.put("gone-" + round, new StreamHead(7, 2, 8, StreamState.Status.TOMBSTONED));
      heads.put("truncated-" + round, new StreamHead(9, 3, 5, StreamState.Status.ACTIVE));
    }
    List<StoreRecord> records = new ArrayList<>();
    List<RecordKey> deleted = new ArrayList<>();
    if (round % 3 == 2) {
      deleted.add(new RecordKey("groups", "g-" + round));
      deleted.add(new RecordKey("metadata", "order-" + round));
      records.add(new StoreRecord("groups", "g-" + round, 1, bytes(random, 40)));
      records.add(new StoreRecord("projections", "p-" + round, round, new byte[0]));
    }
    List<Removal> removals = new ArrayList<>();
    if (round % 5 == 3 && first > 2) {
      for (long position = 0; position < 2; position++) {
        removals.add(
            new Removal(
                event(random, "order-" + position, position, 10), RemovedEvent.Reason.RETENTION));
      }
    }
    return new CommitBatch(events, heads, records, deleted, removals);
  }

  private static RecordedEvent event(Random random, String stream, long position, int dataLength) {
    int tagCount = random.nextInt(4);
    Set<String> tags = new HashSet<>();
    for (int t = 0; t < tagCount; t++) {
      tags.add("tag-" + random.nextInt(1000));
    }
    return new RecordedEvent(
        new UUID(random.nextLong(), random.nextLong()),
        stream,
        random.nextInt(1000),
        position,
        Instant.ofEpochSecond(1_700_000_000L + position, 123_000),
        "Type" + random.nextInt(5),
        "application/json",
        bytes(random, dataLength),
        random.nextBoolean() ? null : "{\"m\":1}".getBytes(StandardCharsets.UTF_8),
        tags);
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] filled(int length, int seed) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) seed);
    return bytes;
  }
}
