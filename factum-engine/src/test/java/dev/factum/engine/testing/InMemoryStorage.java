package dev.factum.engine.testing;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.PositionCursor;
import dev.factum.engine.spi.QueryPositions;
import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link Storage} held in memory: deterministic, fast, and with no disk, so the engine's own
 * tests and the TCK can run against it (fault injection goes in front of it: {@link
 * FaultInjectingStorage}).
 *
 * <p>Design note: it keeps the same structures a real storage keeps, so that it checks the same SPI
 * contracts rather than sidestepping them: the log is a list whose index is the position (dense by
 * construction, and {@link #verify} checks each event carries its index); the stream index maps a
 * stream to the positions of its revisions; the event-id index maps ids to positions; and a
 * filtered read merges one sorted set of positions per filter value (category, type, tag), like
 * RocksDB's filter index, so a sparse feed never scans the log. Deletion events are indexed under
 * their {@link RecordedEvent#category()} (the deleted stream's) as every storage must.
 *
 * <p>What must stay true: a {@link #commit} is applied whole or not at all, under the write lock,
 * so a reader never sees half a batch; reads never return positions beyond {@code maxPosition}.
 * "Durable" means "in the shared {@link Data}": {@link #reopen()} gives a new storage over the same
 * data, as reopening a directory does, while the closed one refuses every call.
 */
public final class InMemoryStorage implements Storage {
  private final Data data;
  private volatile boolean closed;

  private InMemoryStorage(Data data) {
    this.data = data;
  }

  /** A new, empty storage. */
  public static InMemoryStorage create() {
    return new InMemoryStorage(new Data());
  }

  /**
   * A new storage over this one's committed data (which must be closed first, like a directory).
   */
  public InMemoryStorage reopen() {
    if (!closed) {
      throw new IllegalStateException("close the storage before reopening its data");
    }
    return new InMemoryStorage(data);
  }

  /** The durable state: what survives a close and reopen. */
  static final class Data {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final List<RecordedEvent> log = new ArrayList<>();
    final Map<String, StreamHead> heads = new HashMap<>();
    final Map<String, List<Long>> streamIndex = new HashMap<>();
    final Map<UUID, Long> eventIds = new HashMap<>();
    final Map<LogFilter.Kind, Map<String, NavigableSet<Long>>> filterIndex = new HashMap<>();
    final TreeMap<RecordKey, StoreRecord> records = new TreeMap<>();

    /**
     * What stays of each event scavenging removed, by position; its log entry is then null, its
     * stream-index entry -1 and its filter-index entries gone, while its event-id entry stays.
     */
    final Map<Long, RemovedEvent> removed = new HashMap<>();

    NavigableSet<Long> filterEntries(LogFilter.Kind kind, String value) {
      return filterIndex
          .computeIfAbsent(kind, k -> new HashMap<>())
          .computeIfAbsent(value, v -> new TreeSet<>());
    }
  }

  Data data() {
    return data;
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreClosedException("the in-memory storage is closed");
    }
  }

  @Override
  public long lastPosition() {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return data.log.size() - 1L;
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public StreamHead loadHead(String stream) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return data.heads.get(stream);
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public List<ListedStream> listStreams(String prefix, String after, int limit, long maxPosition) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      // Byte order of the UTF-8 names is code-point order; a plain scan is fine for a test storage.
      return data.heads.entrySet().stream()
          .filter(e -> e.getKey().startsWith(prefix))
          .filter(e -> after == null || codePointOrder(e.getKey(), after) > 0)
          .sorted((a, b) -> codePointOrder(a.getKey(), b.getKey()))
          .limit(limit)
          .map(e -> new ListedStream(e.getKey(), e.getValue()))
          .toList();
    } finally {
      data.lock.readLock().unlock();
    }
  }

  private static int codePointOrder(String a, String b) {
    return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }

  @Override
  public long findPosition(UUID eventId) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return data.eventIds.getOrDefault(eventId, -1L);
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public RecordedEvent readEvent(long position) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      if (position < 0 || position >= data.log.size() || data.log.get((int) position) == null) {
        throw new IllegalArgumentException("no event at position " + position);
      }
      return data.log.get((int) position);
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public RemovedEvent removedAt(long position) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return data.removed.get(position);
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public boolean supportsRemoval() {
    return true;
  }

  /**
   * Applies the batch under the write lock. Checks what the engine promises (consecutive positions
   * continuing the log, each record written at its current version plus one) and refuses a batch
   * that breaks it before changing anything.
   */
  @Override
  public void commit(CommitBatch batch) {
    checkOpen();
    data.lock.writeLock().lock();
    try {
      long next = data.log.size();
      Map<String, Long> nextRevisions = new HashMap<>();
      for (RecordedEvent event : batch.events()) {
        long due =
            nextRevisions.computeIfAbsent(
                event.stream(), s -> (long) data.streamIndex.getOrDefault(s, List.of()).size());
        if (event.position() != next++ || event.revision() != due) {
          throw new IllegalStateException(
              "the batch does not continue the log at position "
                  + (next - 1)
                  + " and its stream at revision "
                  + due
                  + ": "
                  + event);
        }
        nextRevisions.put(event.stream(), due + 1);
      }
      Set<RecordKey> deleted = new HashSet<>(batch.deletedRecords());
      for (StoreRecord record : batch.records()) {
        StoreRecord current = deleted.contains(record.id()) ? null : data.records.get(record.id());
        // Above the stored version, not exactly one above: several writes of a key that meet in
        // one batch reach the storage as one record at the last of their versions.
        long due = current == null ? 1 : current.version() + 1;
        if (record.version() < due) {
          throw new IllegalStateException(
              "record " + record + " is not written above its stored version " + (due - 1));
        }
      }
      for (RecordedEvent event : batch.events()) {
        data.log.add(event);
        data.streamIndex
            .computeIfAbsent(event.stream(), s -> new ArrayList<>())
            .add(event.position());
        data.eventIds.put(event.id(), event.position());
        data.filterEntries(LogFilter.Kind.CATEGORY, event.category()).add(event.position());
        data.filterEntries(LogFilter.Kind.TYPE, event.type()).add(event.position());
        for (String tag : event.tags()) {
          data.filterEntries(LogFilter.Kind.TAG, tag).add(event.position());
        }
      }
      for (Removal removal : batch.removals()) {
        RecordedEvent event = removal.event();
        int at = (int) event.position();
        if (data.log.get(at) == null) {
          continue; // removed before: nothing left to do
        }
        data.log.set(at, null);
        data.removed.put(event.position(), removal.stub());
        data.streamIndex.get(event.stream()).set((int) event.revision(), -1L);
        data.filterEntries(LogFilter.Kind.CATEGORY, event.category()).remove(event.position());
        data.filterEntries(LogFilter.Kind.TYPE, event.type()).remove(event.position());
        for (String tag : event.tags()) {
          data.filterEntries(LogFilter.Kind.TAG, tag).remove(event.position());
        }
      }
      data.heads.putAll(batch.heads());
      for (RecordKey key : batch.deletedRecords()) {
        data.records.remove(key);
      }
      for (StoreRecord record : batch.records()) {
        data.records.put(record.id(), record);
      }
    } finally {
      data.lock.writeLock().unlock();
    }
  }

  @Override
  public StoreRecord readRecord(String namespace, String key) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return data.records.get(new RecordKey(namespace, key));
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public List<StoreRecord> readRecords(String namespace) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return List.copyOf(
          data.records
              .subMap(
                  new RecordKey(namespace, ""), true, new RecordKey(namespace + "\0", ""), false)
              .values());
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public List<RecordedEvent> readStream(
      String stream,
      long from,
      Direction direction,
      int limit,
      long minRevision,
      long maxPosition) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      List<Long> positions = data.streamIndex.getOrDefault(stream, List.of());
      List<RecordedEvent> events = new ArrayList<>(Math.min(limit, 1024));
      boolean forward = direction == Direction.FORWARD;
      long revision = forward ? Math.max(from, minRevision) : Math.min(from, positions.size() - 1);
      while (events.size() < limit
          && revision >= minRevision
          && revision >= 0
          && revision < positions.size()) {
        long position = positions.get((int) revision);
        if (position > maxPosition) {
          if (forward) {
            break; // later revisions have later positions
          }
        } else if (position >= 0) { // -1: removed by scavenging
          events.add(data.log.get((int) position));
        }
        revision += forward ? 1 : -1;
      }
      return events;
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public List<RecordedEvent> readLog(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
    checkOpen();
    data.lock.readLock().lock();
    try {
      boolean forward = direction == Direction.FORWARD;
      long bound = Math.min(maxPosition, data.log.size() - 1);
      long start = forward ? from : Math.min(from, bound);
      List<RecordedEvent> events = new ArrayList<>(Math.min(limit, 1024));
      if (start < 0 || start > bound) {
        return events;
      }
      if (filter.isNone()) {
        for (long p = start; events.size() < limit && p >= 0 && p <= bound; p += forward ? 1 : -1) {
          RecordedEvent event = data.log.get((int) p);
          if (event != null) { // null: removed by scavenging, skipped
            events.add(event);
          }
        }
        return events;
      }
      List<Long> positions =
          filter.kind() == LogFilter.Kind.QUERY
              ? QueryPositions.find(filter.query(), forward, start, bound, limit, this::indexRun)
              : mergeFilterIndex(start, forward, limit, filter, bound);
      for (long position : positions) {
        events.add(data.log.get((int) position));
      }
      return events;
    } finally {
      data.lock.readLock().unlock();
    }
  }

  /** The positions of one type or tag, for a query (read under the read lock). */
  private PositionCursor indexRun(LogFilter.Kind kind, String value, boolean forward) {
    NavigableSet<Long> entries =
        data.filterIndex.getOrDefault(kind, Map.of()).getOrDefault(value, new TreeSet<>());
    return new PositionCursor() {
      private long position;

      @Override
      public boolean seek(long target) {
        Long found = forward ? entries.ceiling(target) : entries.floor(target);
        if (found == null) {
          return false;
        }
        position = found;
        return true;
      }

      @Override
      public long position() {
        return position;
      }

      @Override
      public void close() {
        // nothing held
      }
    };
  }

  /** One cursor per filter value over its sorted positions, merged in the read's direction. */
  private List<Long> mergeFilterIndex(
      long start, boolean forward, int limit, LogFilter filter, long bound) {
    record Cursor(Iterator<Long> rest, long position) {}
    PriorityQueue<Cursor> queue =
        new PriorityQueue<>(
            (a, b) ->
                forward
                    ? Long.compare(a.position, b.position)
                    : Long.compare(b.position, a.position));
    Map<String, NavigableSet<Long>> byValue =
        data.filterIndex.getOrDefault(filter.kind(), Map.of());
    for (String value : filter.values()) {
      NavigableSet<Long> entries = byValue.get(value);
      if (entries == null) {
        continue;
      }
      Iterator<Long> it =
          forward
              ? entries.tailSet(start, true).iterator()
              : entries.headSet(start, true).descendingIterator();
      if (it.hasNext()) {
        queue.add(new Cursor(it, it.next()));
      }
    }
    List<Long> positions = new ArrayList<>();
    long last = -1;
    while (!queue.isEmpty() && positions.size() < limit) {
      Cursor cursor = queue.poll();
      if (forward && cursor.position > bound) {
        break;
      }
      if (cursor.position <= bound && cursor.position != last) {
        positions.add(cursor.position);
        last = cursor.position;
      }
      if (cursor.rest.hasNext()) {
        queue.add(new Cursor(cursor.rest, cursor.rest.next()));
      }
    }
    return positions;
  }

  @Override
  public long resumeAfterFull() {
    return lastPosition(); // memory is never full; FaultInjectingStorage models a full disk
  }

  @Override
  public VerifyReport verify() {
    checkOpen();
    data.lock.readLock().lock();
    try {
      return new InMemoryVerifier(data).run();
    } finally {
      data.lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
