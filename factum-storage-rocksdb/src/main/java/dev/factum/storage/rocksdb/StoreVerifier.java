package dev.factum.storage.rocksdb;

import dev.factum.api.ChainAnchor;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState;
import dev.factum.api.SystemStreams;
import dev.factum.engine.spi.ChainAudit;
import dev.factum.engine.spi.ChainCheck;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * Reads a whole RocksDB store and checks every invariant of its data: the format marker; that the
 * log holds positions 0..n densely and every record passes its checksum; that each stream's
 * revisions are 0..k densely in position order; that every event has exactly its stream-index,
 * event-id and filter-index entries and no index entry points elsewhere; that every stored stream
 * head agrees with the stream's events (a plain stream has no head record: its head is its last
 * stream-index entry; a plain record left by format 3 or older may only lag behind); that every
 * deletion event in {@code $deletions} is well formed, records the delete point its stream had at
 * that position (no event follows a tombstone), and is held by the stream's head; that every store
 * record passes its checksum; that the hash chain holds (every position from the chain's start is
 * covered by a chain record, each record is the fold of its digests, and each digest is that of the
 * event's stored bytes; see {@link ChainAudit}), and passes through the anchor when one is given;
 * and, last, every block of every table file against its checksum. Used by tests after every TCK
 * case, and by {@code factum verify}.
 *
 * <p>It reports problems instead of stopping at the first, up to {@link #MAX_LISTED}.
 */
final class StoreVerifier {
  private static final int MAX_LISTED = 200;

  private final RocksDB db;
  private final ReadOptions readOptions;
  private final ColumnFamilyHandle meta;
  private final ColumnFamilyHandle log;
  private final ColumnFamilyHandle heads;
  private final ColumnFamilyHandle streamIndex;
  private final ColumnFamilyHandle eventIds;
  private final ColumnFamilyHandle filterIndex;
  private final ColumnFamilyHandle records;
  private final ColumnFamilyHandle chain;
  private final List<String> problems = new ArrayList<>();
  private long problemCount;

  StoreVerifier(
      RocksDB db,
      ReadOptions readOptions,
      ColumnFamilyHandle meta,
      ColumnFamilyHandle log,
      ColumnFamilyHandle heads,
      ColumnFamilyHandle streamIndex,
      ColumnFamilyHandle eventIds,
      ColumnFamilyHandle filterIndex,
      ColumnFamilyHandle records,
      ColumnFamilyHandle chain) {
    this.db = db;
    this.readOptions = readOptions;
    this.meta = meta;
    this.log = log;
    this.heads = heads;
    this.streamIndex = streamIndex;
    this.eventIds = eventIds;
    this.filterIndex = filterIndex;
    this.records = records;
    this.chain = chain;
  }

  /** Per deleted stream: its newest deletion event seen while scanning the log. */
  private final Map<String, StreamDeletion> deletions = new HashMap<>();

  /** Per removed position (a {@link RemovalStub}): its stream and revision. */
  private final Map<Long, RemovedEvent> removedBelow = new HashMap<>();

  /** Per stream: the last revision and position seen while scanning the log. */
  private record Seen(long lastRevision, long lastPosition) {}

  VerifyReport run(ChainAnchor anchor) {
    try {
      checkMarker();
      Map<String, Seen> streams = new HashMap<>();
      deletions.clear();
      removedBelow.clear();
      long[] expectedFilterEntries = new long[1];
      long events = scanLog(streams, expectedFilterEntries);
      long indexEntries = 0;
      indexEntries += countEntries(streamIndex, "stream index", events - removedBelow.size());
      indexEntries += countEntries(eventIds, "event-id index", events);
      indexEntries += countEntries(filterIndex, "filter index", expectedFilterEntries[0]);
      long headCount = checkHeads(streams);
      checkRemovedAreInvisible();
      checkRecords();
      ChainCheck chained = checkChain(anchor, events - 1);
      checkTableFiles();
      return new VerifyReport(events, headCount, indexEntries, problemCount, problems, chained);
    } catch (RocksDBException e) {
      problem("RocksDB failed while verifying: " + e.getMessage());
      return new VerifyReport(0, 0, 0, problemCount, problems);
    }
  }

  /**
   * Every block of every table file against its checksum, including blocks no scan reads (bloom
   * filters, used only by point lookups): damage there would otherwise fail a later read while
   * verify said the store was clean.
   */
  private void checkTableFiles() {
    try {
      db.verifyChecksum();
    } catch (RocksDBException e) {
      problem("a table file is damaged: " + e.getMessage());
    }
  }

  /** Every store record decodes under its own key and passes its checksum. */
  private void checkRecords() throws RocksDBException {
    try (RocksIterator it = db.newIterator(records, readOptions)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        try {
          RecordCodec.decode(it.key(), it.value());
        } catch (DataCorruptedException e) {
          problem(e.getMessage());
        }
      }
      it.status();
    }
  }

  /**
   * Walks the chain records in position order beside a second iterator over the log, which hands
   * the audit each event's stored bytes as RocksDB holds them (the digest is over exactly those).
   */
  private ChainCheck checkChain(ChainAnchor anchor, long lastPosition) throws RocksDBException {
    byte[] start = db.get(meta, readOptions, ChainRecordCodec.START_KEY);
    long chainedFrom;
    try {
      if (start == null) {
        problem("the chain's start record is missing");
        return null;
      }
      chainedFrom = ChainRecordCodec.decodeStart(start);
    } catch (DataCorruptedException e) {
      problem(e.getMessage());
      return null;
    }
    try (RocksIterator events = db.newIterator(log, readOptions);
        RocksIterator it = db.newIterator(chain, readOptions)) {
      ChainAudit audit = new ChainAudit(chainedFrom, anchor, new LogDigests(events), this::problem);
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length != 8) {
          problem("a chain record has a key of " + key.length + " bytes");
          continue;
        }
        try {
          audit.batch(ChainRecordCodec.decode(key, it.value()));
        } catch (DataCorruptedException e) {
          audit.damagedBatch(Keys.readLong(key, 0), e.getMessage());
        }
      }
      it.status();
      ChainCheck check = audit.finish(lastPosition);
      events.status();
      return check;
    }
  }

  /**
   * The log's side of the chain audit: the SHA-256 of the value stored at each position, read by
   * one forward iterator. A position whose value is a {@link RemovalStub} was removed by scavenging
   * ({@link ChainAudit.StoredDigests#isRemoved}): its place in the chain is checked from the chain
   * record's digest, and whether the stub may stand there (below its stream's first visible
   * revision) is the log scan's check.
   */
  private static final class LogDigests implements ChainAudit.StoredDigests {
    private final HashChain hashes = new HashChain();
    private final RocksIterator events;

    LogDigests(RocksIterator events) {
      this.events = events;
    }

    @Override
    public boolean isRemoved(long position) {
      if (!at(position) || !RemovalStub.isStub(events.value())) {
        return false;
      }
      events.next();
      return true;
    }

    @Override
    public byte[] digest(long position) {
      if (!at(position)) {
        return null;
      }
      byte[] digest = hashes.digest(events.value());
      events.next();
      return digest;
    }

    /** Moves the iterator to {@code position} (a seek only when not already there). */
    private boolean at(long position) {
      byte[] key = Keys.position(position);
      if (!events.isValid() || !Arrays.equals(events.key(), key)) {
        events.seek(key);
      }
      return events.isValid() && Arrays.equals(events.key(), key);
    }
  }

  private void checkMarker() throws RocksDBException {
    byte[] marker = db.get(meta, FormatMarker.KEY);
    if (marker == null) {
      problem("the format marker is missing");
      return;
    }
    try {
      FormatMarker.check(marker);
    } catch (RuntimeException e) {
      problem(e.getMessage());
    }
  }

  private long scanLog(Map<String, Seen> streams, long[] filterEntries) throws RocksDBException {
    long expected = 0;
    try (RocksIterator it = db.newIterator(log, readOptions)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length != 8) {
          problem("log key of " + key.length + " bytes");
          continue;
        }
        long position = Keys.readLong(key, 0);
        if (position != expected) {
          problem("the log jumps from position " + (expected - 1) + " to " + position);
          expected = position;
        }
        expected++;
        if (RemovalStub.isStub(it.value())) {
          checkStub(position, it.value(), streams);
          continue;
        }
        RecordedEvent event;
        try {
          event = EventRecordCodec.decode(position, it.value());
        } catch (DataCorruptedException e) {
          problem(e.getMessage());
          continue;
        }
        Seen seen = streams.get(event.stream());
        long wantRevision = seen == null ? 0 : seen.lastRevision() + 1;
        if (event.revision() != wantRevision) {
          problem(
              "stream '"
                  + event.stream()
                  + "' has revision "
                  + event.revision()
                  + " at position "
                  + position
                  + " where "
                  + wantRevision
                  + " was due");
        }
        if (event.stream().equals(StreamDeletion.STREAM)) {
          checkDeletion(event, streams);
        } else if (event.stream().startsWith("$")
            && !SystemStreams.APPENDABLE.contains(event.stream())) {
          problem("position " + position + " is in the reserved stream '" + event.stream() + "'");
        } else if (deletions.containsKey(event.stream())
            && deletions.get(event.stream()).tombstone()) {
          problem(
              "stream '" + event.stream() + "' has an event after its tombstone at " + position);
        }
        streams.put(event.stream(), new Seen(event.revision(), position));
        checkIndexes(event);
        filterEntries[0] += 2 + event.tags().size();
      }
      try {
        it.status();
      } catch (RocksDBException e) {
        // A damaged block ends the scan; the chain check then names the positions it holds.
        problem("the log cannot be read after position " + (expected - 1) + ": " + e.getMessage());
      }
    }
    return expected;
  }

  /**
   * A removal stub continues its stream's revisions like the event it replaced, has no stream-index
   * entry, and keeps its event-id entry; that its stream no longer shows it is checked once the
   * heads are known ({@link #checkRemovedAreInvisible}).
   */
  private void checkStub(long position, byte[] value, Map<String, Seen> streams)
      throws RocksDBException {
    RemovedEvent stub;
    try {
      stub = RemovalStub.decode(position, value);
    } catch (DataCorruptedException e) {
      problem(e.getMessage());
      return;
    }
    Seen seen = streams.get(stub.stream());
    long wantRevision = seen == null ? 0 : seen.lastRevision() + 1;
    if (stub.revision() != wantRevision) {
      problem(
          "stream '"
              + stub.stream()
              + "' has removed revision "
              + stub.revision()
              + " at position "
              + position
              + " where "
              + wantRevision
              + " was due");
    }
    streams.put(stub.stream(), new Seen(stub.revision(), position));
    byte[] streamKey = Keys.withLong(Keys.streamPrefix(stub.stream()), stub.revision());
    if (db.get(streamIndex, readOptions, streamKey) != null) {
      problem(
          "stream index entry " + stub.stream() + "@" + stub.revision() + " outlives its removal");
    }
    if (!Arrays.equals(
        db.get(eventIds, readOptions, Keys.uuid(stub.id())), Keys.position(position))) {
      problem("event-id index entry of removed event " + stub.id() + " is missing or wrong");
    }
    removedBelow.put(position, stub);
  }

  /**
   * A removed revision must be one its stream no longer shows: below the first visible revision of
   * the stream's stored head (scavenging raises it in the same commit). A stub of a visible
   * revision is damage: an event a read should serve is gone.
   */
  private void checkRemovedAreInvisible() throws RocksDBException {
    Map<String, Long> highest = new HashMap<>();
    for (RemovedEvent stub : removedBelow.values()) {
      highest.merge(stub.stream(), stub.revision(), Math::max);
    }
    for (Map.Entry<String, Long> entry : highest.entrySet()) {
      byte[] key = Keys.utf8(entry.getKey());
      byte[] record = db.get(heads, readOptions, key);
      StreamHead head = null;
      try {
        head = record == null ? null : HeadRecordCodec.decode(key, record);
      } catch (DataCorruptedException e) {
        // reported by checkHeads
      }
      if (head == null || head.firstVisibleRevision() <= entry.getValue()) {
        problem(
            "stream '"
                + entry.getKey()
                + "' has a removed event at revision "
                + entry.getValue()
                + ", which it still shows (head "
                + head
                + ")");
      }
    }
  }

  /**
   * A deletion event is well formed and records the delete point its stream had then: {@code
   * truncateBefore} is the deleted stream's last revision before it, plus one.
   */
  private void checkDeletion(RecordedEvent event, Map<String, Seen> streams) {
    Optional<StreamDeletion> parsed = event.deletion();
    if (parsed.isEmpty() || event.metadata() != null || !event.tags().isEmpty()) {
      problem(
          "position " + event.position() + " in " + StreamDeletion.STREAM + " is not a deletion");
      return;
    }
    StreamDeletion deletion = parsed.get();
    Seen target = streams.get(deletion.stream());
    long due = target == null ? 0 : target.lastRevision() + 1;
    StreamDeletion before = deletions.get(deletion.stream());
    if (deletion.truncateBefore() != due || (before != null && before.tombstone())) {
      problem(
          "the deletion at position "
              + event.position()
              + " deletes '"
              + deletion.stream()
              + "' before revision "
              + deletion.truncateBefore()
              + " where "
              + due
              + " was due"
              + (before != null && before.tombstone() ? ", after its tombstone" : ""));
    }
    deletions.put(deletion.stream(), deletion);
  }

  private void checkIndexes(RecordedEvent event) throws RocksDBException {
    byte[] position = Keys.position(event.position());
    byte[] streamKey = Keys.withLong(Keys.streamPrefix(event.stream()), event.revision());
    if (!Arrays.equals(db.get(streamIndex, readOptions, streamKey), position)) {
      problem(
          "stream index entry " + event.stream() + "@" + event.revision() + " is missing or wrong");
    }
    if (!Arrays.equals(db.get(eventIds, readOptions, Keys.uuid(event.id())), position)) {
      problem("event-id index entry of " + event.id() + " is missing or wrong");
    }
    checkFilterEntry(Keys.CATEGORY, event.category(), event);
    checkFilterEntry(Keys.TYPE, event.type(), event);
    for (String tag : event.tags()) {
      checkFilterEntry(Keys.TAG, tag, event);
    }
  }

  private void checkFilterEntry(byte kind, String value, RecordedEvent event)
      throws RocksDBException {
    byte[] key = Keys.withLong(Keys.filterPrefix(kind, value), event.position());
    if (db.get(filterIndex, readOptions, key) == null) {
      problem(
          "filter index entry "
              + (char) kind
              + ":"
              + value
              + " of position "
              + event.position()
              + " is missing");
    }
  }

  /**
   * Every event has its entries (checked from the log side); equal counts mean no entry exists that
   * points anywhere else.
   */
  private long countEntries(ColumnFamilyHandle family, String name, long expected)
      throws RocksDBException {
    long count = 0;
    try (RocksIterator it = db.newIterator(family, readOptions)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        count++;
      }
      it.status();
    }
    if (count != expected) {
      problem("the " + name + " has " + count + " entries where " + expected + " were due");
    }
    return count;
  }

  private long checkHeads(Map<String, Seen> streams) throws RocksDBException {
    long count = 0;
    Map<String, Seen> withoutHead = new HashMap<>(streams);
    try (RocksIterator it = db.newIterator(heads, readOptions)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        count++;
        byte[] key = it.key();
        String stream = new String(key, StandardCharsets.UTF_8);
        StreamHead head;
        try {
          head = HeadRecordCodec.decode(key, it.value());
        } catch (DataCorruptedException e) {
          problem(e.getMessage());
          continue;
        }
        StreamDeletion deletion = deletions.get(stream);
        if (deletion != null
            && (head.firstVisibleRevision() < deletion.truncateBefore()
                || (deletion.tombstone() && head.status() != StreamState.Status.TOMBSTONED))) {
          problem(
              "head of stream '"
                  + stream
                  + "' ("
                  + head
                  + ") does not hold its last deletion ("
                  + deletion
                  + ")");
        }
        Seen seen = withoutHead.remove(stream);
        if (seen == null) {
          if (head.status() != StreamState.Status.TOMBSTONED
              || head.lastRevision() != StreamState.NO_REVISION) {
            problem("stream '" + stream + "' has a head but no events");
          }
        } else if (HeadRecordCodec.isPlain(head)
            ? head.lastRevision() > seen.lastRevision() || head.lastPosition() > seen.lastPosition()
            : seen.lastRevision() != head.lastRevision()
                || seen.lastPosition() != head.lastPosition()) {
          problem(
              "head of stream '"
                  + stream
                  + "' says revision "
                  + head.lastRevision()
                  + " at position "
                  + head.lastPosition()
                  + ", but its last event is revision "
                  + seen.lastRevision()
                  + " at position "
                  + seen.lastPosition());
        }
      }
      it.status();
    }
    count += withoutHead.size(); // plain streams, whose heads are their last index entries
    for (String stream : deletions.keySet()) {
      if (db.get(heads, readOptions, Keys.utf8(stream)) == null) {
        problem(
            "stream '" + stream + "' was deleted (" + deletions.get(stream) + ") but has no head");
      }
    }
    return count;
  }

  private void problem(String description) {
    problemCount++;
    if (problems.size() < MAX_LISTED) {
      problems.add(description);
    }
  }
}
