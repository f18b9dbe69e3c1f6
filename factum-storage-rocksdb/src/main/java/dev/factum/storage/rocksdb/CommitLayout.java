package dev.factum.storage.rocksdb;

import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.ChainBatch;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Lays a commit batch out as RocksDB records: which keys and values of which column families one
 * commit writes (the key layouts are {@link Keys}'s, the values the codecs'), into a {@link
 * BatchSink}.
 *
 * <p>Design note: the layout is separate from how it reaches RocksDB so that the test can write the
 * same batch through {@link WriteBatchRep} (what the store uses) and through a real {@code
 * WriteBatch}, and compare the bytes. What must stay true:
 *
 * <ul>
 *   <li>Each column family's keys are put in ascending order. RocksDB inserts a batch into each
 *       memtable's skip list one key after another, and an ascending run lets every insert start
 *       from where the previous one ended instead of searching from the top: the stream index,
 *       event-id and filter keys of a batch otherwise arrive in random order, and the search
 *       dominated the writer's CPU.
 *   <li>Deleted store records come before written ones: a key in both is deleted, then written anew
 *       (see {@link CommitBatch}).
 *   <li>The chain record is computed from the exact stored bytes of each event in position order;
 *       the chain value is returned, not published: the caller publishes it once the batch is
 *       durable.
 * </ul>
 *
 * Runs on the writer thread only (the {@link HashChain} is not thread-safe).
 */
final class CommitLayout {
  private static final byte[] EMPTY = new byte[0];

  /** The RocksDB ids of the column families a commit writes. */
  record Families(
      int log, int heads, int streamIndex, int eventIds, int filterIndex, int records, int chain) {}

  private final Families families;
  private final boolean chained;
  private final HashChain hashes;
  private final RemovedRanges removedRanges;

  CommitLayout(Families families, boolean chained, HashChain hashes, RemovedRanges removedRanges) {
    this.families = families;
    this.chained = chained;
    this.hashes = hashes;
    this.removedRanges = removedRanges;
  }

  /**
   * Writes the batch's records into {@code sink}; returns the chain after the batch, extended from
   * {@code chain}, or null when the batch extends no chain (no events, or the chain is off).
   */
  ChainLink layOut(CommitBatch batch, ChainLink chain, BatchSink sink) {
    int events = batch.events().size();
    List<byte[][]> streamKeys = new ArrayList<>(events);
    List<byte[][]> idKeys = new ArrayList<>(events);
    // Grouped by kind in key order (category 'c' < tag 'g' < type 't'): within a kind the keys of
    // one value ascend with the positions, so a batch of few categories and types arrives nearly
    // sorted and the sort below finds long runs instead of comparing interleaved kinds.
    List<byte[]> categoryKeys = new ArrayList<>(events);
    List<byte[]> tagKeys = new ArrayList<>();
    List<byte[]> typeKeys = new ArrayList<>(events);
    List<byte[]> digests = chained ? new ArrayList<>(events) : null;
    for (RecordedEvent event : batch.events()) {
      byte[] position = Keys.position(event.position());
      byte[] stored = EventRecordCodec.encode(event);
      sink.put(families.log(), position, stored); // positions ascend already
      if (chained) {
        digests.add(hashes.digest(stored));
      }
      streamKeys.add(new byte[][] {Keys.streamKey(event.stream(), event.revision()), position});
      idKeys.add(new byte[][] {Keys.uuid(event.id()), position});
      categoryKeys.add(Keys.filterKey(Keys.CATEGORY, event.category(), event.position()));
      for (String tag : event.tags()) {
        tagKeys.add(Keys.filterKey(Keys.TAG, tag, event.position()));
      }
      typeKeys.add(Keys.filterKey(Keys.TYPE, event.type(), event.position()));
    }
    List<byte[]> filterKeys =
        new ArrayList<>(categoryKeys.size() + tagKeys.size() + typeKeys.size());
    filterKeys.addAll(categoryKeys);
    filterKeys.addAll(tagKeys);
    filterKeys.addAll(typeKeys);
    streamKeys.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    for (byte[][] entry : streamKeys) {
      sink.put(families.streamIndex(), entry[0], entry[1]);
    }
    idKeys.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
    for (byte[][] entry : idKeys) {
      sink.put(families.eventIds(), entry[0], entry[1]);
    }
    filterKeys.sort(Arrays::compareUnsigned);
    for (byte[] key : filterKeys) {
      sink.put(families.filterIndex(), key, EMPTY);
    }
    List<Map.Entry<String, StreamHead>> heads = new ArrayList<>(batch.heads().entrySet());
    heads.sort(Map.Entry.comparingByKey());
    for (Map.Entry<String, StreamHead> head : heads) {
      if (!HeadRecordCodec.isPlain(head.getValue())) { // a plain head is its last index entry
        byte[] key = Keys.utf8(head.getKey());
        sink.put(families.heads(), key, HeadRecordCodec.encode(key, head.getValue()));
      }
    }
    for (Removal removal : batch.removals()) {
      remove(removal, sink);
    }
    for (RecordKey deleted : batch.deletedRecords()) {
      sink.delete(families.records(), RecordCodec.key(deleted.namespace(), deleted.key()));
    }
    for (StoreRecord record : batch.records()) {
      byte[] key = RecordCodec.key(record.namespace(), record.key());
      sink.put(families.records(), key, RecordCodec.encode(key, record));
    }
    return chained && events > 0 ? extendChain(batch, chain, digests, sink) : null;
  }

  /** Folds the batch's digests into the chain and puts its chain record into the sink. */
  private ChainLink extendChain(
      CommitBatch batch, ChainLink chain, List<byte[]> digests, BatchSink sink) {
    byte[] value = chain.value();
    for (byte[] digest : digests) {
      value = hashes.next(value, digest);
    }
    long first = batch.events().getFirst().position();
    long last = batch.events().getLast().position();
    sink.put(
        families.chain(),
        Keys.position(last),
        ChainRecordCodec.encode(new ChainBatch(first, last, value, digests)));
    return new ChainLink(last, value);
  }

  /**
   * A removal: the event record becomes a {@link RemovalStub} (the position stays taken), its
   * stream-index and filter-index entries go, and its event-id entry stays (pointing at the stub,
   * so a retry of its append is still recognised). The writer never writes these keys again: they
   * lie below the stream's first visible revision.
   */
  private void remove(Removal removal, BatchSink sink) {
    RecordedEvent event = removal.event();
    byte[] position = Keys.position(event.position());
    sink.put(families.log(), position, RemovalStub.encode(removal.stub()));
    removedRanges.touched(RemovedRanges.Family.LOG, position);
    byte[] streamKey = Keys.streamKey(event.stream(), event.revision());
    sink.delete(families.streamIndex(), streamKey);
    removedRanges.touched(RemovedRanges.Family.STREAM_INDEX, streamKey);
    List<byte[]> filterKeys = new ArrayList<>(2 + event.tags().size());
    filterKeys.add(Keys.filterKey(Keys.CATEGORY, event.category(), event.position()));
    filterKeys.add(Keys.filterKey(Keys.TYPE, event.type(), event.position()));
    for (String tag : event.tags()) {
      filterKeys.add(Keys.filterKey(Keys.TAG, tag, event.position()));
    }
    for (byte[] key : filterKeys) {
      sink.delete(families.filterIndex(), key);
      removedRanges.touched(RemovedRanges.Family.FILTER_INDEX, key);
    }
  }
}
