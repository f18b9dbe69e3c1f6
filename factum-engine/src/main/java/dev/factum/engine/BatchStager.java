package dev.factum.engine;

import dev.factum.api.AppendCondition;
import dev.factum.api.AppendConditionFailedException;
import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.Query;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.CommittedState;
import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Decides, for each command of a batch in queue order, whether it commits, is an exact retry of
 * something already committed, or is rejected; and builds the {@link CommitBatch} of everything
 * that commits.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Deterministic: the outcome depends only on the committed state (the {@link CommittedState}
 *       of the batch plus the {@link HeadCache}) and the commands in order. Nothing else (time
 *       aside, which only stamps events) is consulted.
 *   <li>Each command sees the effects of the commands staged before it in the same batch, and a
 *       rejected command leaves no trace: its changes are staged in a scratch map and merged only
 *       when every part passed.
 *   <li>Positions are assigned consecutively in staging order, so commit order is position order.
 *   <li>A retry (every event id already committed as the same events of the same stream, in order)
 *       returns the original result and stages nothing; any partial or different match is an {@link
 *       IdempotencyConflictException}.
 *   <li>An append's checks run in this order: event ids (a retry returns its original result before
 *       anything else is checked, so a retry of a conditional append that committed succeeds
 *       although its own events now match its condition), then tombstone and expected revision per
 *       stream, then the {@link AppendCondition}s, against the committed events (through the
 *       storage's type and tag indexes) and the events staged earlier in the batch, exactly like
 *       expected revisions. When this process is the only writer, the committed part is first
 *       bounded by {@link NewestPositions} (every committed event is added to it in {@link
 *       #committed}), and the indexes are asked only when the bound lies after the condition's
 *       position.
 *   <li>Every delete that changes a stream's head stages, in the same batch, one {@link
 *       StreamDeletion} event in the system stream {@value StreamDeletion#STREAM} (next revision
 *       there, next position in the log), so the head change and its event are durable together or
 *       not at all. The deleted stream's own revisions are untouched. A delete that changes nothing
 *       (a soft delete of a stream already soft-deleted) stages nothing.
 *   <li>Timestamps never go backwards along the log: {@code floor} is the newest timestamp
 *       committed or staged; new events get {@code max(now, floor)}; an import's own timestamps
 *       must not be older than {@code floor}. The floor moves only when something is staged, so an
 *       import's rule depends on the committed log, not on the clock.
 *   <li>Store records change only through commands staged here: a record write is checked against
 *       the record as committed or staged before it (its expected version, and the command's {@link
 *       RecordGuard}), and a put gets the current version plus one (1 for a new key). Records
 *       written with an append are staged only if the append commits, and a retried append writes
 *       none. A command's share of a gathered record ({@link RecordGather}) is added only when the
 *       whole command is staged. When this process is the sole writer, committed records are read
 *       through {@link CommittedRecords} (every commit updates it, a resync drops it), so the same
 *       few keys (a group's definition, the records a flush deletes) are not read from storage
 *       every time.
 *   <li>A scavenging step ({@link WriteCommand.Scavenge}) removes only revisions below the floor it
 *       raises the stream's first visible revision to, and the floor never exceeds the last
 *       revision of a stream that is not deleted (its last event stays: it is the head). Appends
 *       only ever write revisions after the last one, so a removal never touches what the writer
 *       writes. A retry of an append whose events were removed is recognised by stream and revision
 *       (their data is gone) and answered with its original result.
 * </ul>
 *
 * Only the writer thread uses a stager.
 */
final class BatchStager {
  private final HeadCache cache;
  private CommittedState state;

  /**
   * The batch's maps and sets are emptied for the next batch by {@link #emptied}: cleared when they
   * hold at most this many entries, replaced by new ones when they hold more. A hash table's {@code
   * clear()} costs its capacity, which never shrinks, so one large batch (a bulk load, a flush that
   * deletes thousands of records) left every small batch after it paying for tables of thousands of
   * slots, several times per commit; a profile of the ack-append windows after a catch-up showed
   * those clears on the writer. Replaced above the limit, no table is ever cleared with more than
   * about twice this many slots.
   */
  static final int CLEAR_LIMIT = 256;

  private final List<RecordedEvent> events = new ArrayList<>();
  private Map<String, StreamHead> heads = new HashMap<>();
  private Map<UUID, RecordedEvent> stagedIds = new HashMap<>();

  /** Records staged in this batch, in staging order (see {@link #inKeyOrder}): null is a delete. */
  private Map<RecordKey, StoreRecord> records = new LinkedHashMap<>();

  /** The records of this batch's gathers, by kind ({@link RecordGather#kind}). */
  private Map<String, StoreRecord> gathered = new HashMap<>();

  /** Keys this batch deletes (some then written anew at version 1). */
  private Set<RecordKey> deletedRecords = new HashSet<>();

  /** Keys the command being checked deletes and then writes again. */
  private Set<RecordKey> deletedInCommand = new HashSet<>();

  /** Events this batch removes (scavenging). */
  private final List<Removal> removals = new ArrayList<>();

  private long nextPosition;

  /** The newest committed position when the batch began: what the committed state holds. */
  private long committedEnd;

  private Instant floor;
  private Instant floorAtBegin;
  private Instant now = Instant.EPOCH;

  /**
   * The newest committed position of each type and tag, so that most conditions are decided without
   * an index seek; null when other processes commit too (a shared storage), where only the indexes
   * read under the commit lock know.
   */
  private final NewestPositions newest;

  /** Committed records read or written, when this process is the sole writer (else null). */
  private final CommittedRecords committedRecords;

  /** Records remembered by {@link #committedRecords} at most. */
  static final int RECORD_CACHE_ENTRIES = 16_384;

  /** {@code lastTimestamp}: the timestamp of the newest committed event (EPOCH when none). */
  BatchStager(HeadCache cache, long nextPosition, Instant lastTimestamp) {
    this(cache, nextPosition, lastTimestamp, true);
  }

  /** {@code soleWriter}: no other process commits to the storage (see {@link NewestPositions}). */
  BatchStager(HeadCache cache, long nextPosition, Instant lastTimestamp, boolean soleWriter) {
    this.cache = cache;
    this.nextPosition = nextPosition;
    this.floor = lastTimestamp;
    this.floorAtBegin = lastTimestamp;
    this.newest = soleWriter ? new NewestPositions(nextPosition - 1) : null;
    this.committedRecords = soleWriter ? new CommittedRecords(RECORD_CACHE_ENTRIES) : null;
  }

  /**
   * Starts a new batch validated against {@code committed}; {@code now} stamps its events (never
   * earlier than {@code notBefore}, the newest commit time known).
   */
  void begin(CommittedState committed, Instant now, Instant notBefore) {
    state = committed;
    if (notBefore.isAfter(floor)) {
      floor = notBefore;
    }
    floorAtBegin = floor;
    committedEnd = nextPosition - 1;
    forgetStaged();
    this.now = now;
  }

  /** Empties what the batch staged, for the next one (see {@link #CLEAR_LIMIT}). */
  private void forgetStaged() {
    events.clear();
    removals.clear();
    heads = emptied(heads, HashMap::new);
    stagedIds = emptied(stagedIds, HashMap::new);
    records = emptied(records, LinkedHashMap::new);
    deletedRecords = emptied(deletedRecords);
    gathered = emptied(gathered, HashMap::new);
  }

  /** {@code map} cleared, or a new one from {@code fresh} when it is above {@link #CLEAR_LIMIT}. */
  private static <K, V> Map<K, V> emptied(Map<K, V> map, Supplier<Map<K, V>> fresh) {
    if (map.size() > CLEAR_LIMIT) {
      return fresh.get();
    }
    map.clear();
    return map;
  }

  /** {@code set} cleared, or a new one when it is above {@link #CLEAR_LIMIT}. */
  private static <T> Set<T> emptied(Set<T> set) {
    if (set.size() > CLEAR_LIMIT) {
      return new HashSet<>();
    }
    set.clear();
    return set;
  }

  /** The timestamp of new events: commit timestamps never go backwards, even if the clock does. */
  private Instant stamp() {
    return now.isAfter(floor) ? now : floor;
  }

  /** The position the next staged event gets. */
  long nextPosition() {
    return nextPosition;
  }

  CommitBatch batch() {
    if (records.isEmpty() && removals.isEmpty()) {
      return new CommitBatch(List.copyOf(events), Map.copyOf(heads));
    }
    List<StoreRecord> puts = new ArrayList<>(records.size());
    List<RecordKey> deletes = new ArrayList<>();
    for (RecordKey key : inKeyOrder(records.keySet())) {
      StoreRecord record = records.get(key);
      if (record == null || deletedRecords.contains(key)) {
        deletes.add(key);
      }
      if (record != null) {
        puts.add(record);
      }
    }
    List<Removal> removed = new ArrayList<>(removals);
    removed.sort((a, b) -> Long.compare(a.event().position(), b.event().position()));
    return new CommitBatch(
        List.copyOf(events),
        Map.copyOf(heads),
        List.copyOf(puts),
        List.copyOf(deletes),
        List.copyOf(removed));
  }

  /**
   * The keys in key order, as the storage wants them ({@link CommitBatch}): a list sorted in place,
   * not a tree built per commit (a profile of ack-append windows on a quiet machine put the tree's
   * nodes and rebalancing at about a fifth of the writer's Java samples). The keys come in staging
   * order, and a flush stages its positions in ascending order: TimSort takes such runs at one
   * compare per key.
   */
  private static List<RecordKey> inKeyOrder(Set<RecordKey> keys) {
    List<RecordKey> sorted = new ArrayList<>(keys);
    sorted.sort(null);
    return sorted;
  }

  /** The batch committed: its heads are now the durable state. */
  void committed() {
    cache.putAll(heads);
    if (committedRecords != null) {
      committedRecords.committed(records);
    }
    if (newest != null) {
      for (RecordedEvent event : events) {
        newest.add(event);
      }
    }
  }

  /**
   * Another process committed since this one last did: forget every remembered head and continue
   * the log after {@code lastPosition}.
   */
  void resync(long lastPosition) {
    cache.clear();
    if (committedRecords != null) {
      committedRecords.clear();
    }
    nextPosition = lastPosition + 1;
    if (newest != null) {
      newest.forget(lastPosition);
    }
  }

  /** The batch was not written: forget it, and rewind positions. */
  void abandoned() {
    nextPosition -= events.size();
    floor = floorAtBegin;
    forgetStaged();
  }

  /** What staging {@code batch} will look up: every stream it touches and every event id sent. */
  static void keysOf(List<WriteCommand> batch, Set<String> streams, List<UUID> ids) {
    for (WriteCommand command : batch) {
      WriteCommand unwrapped =
          command instanceof WriteCommand.AppendWithRecords withRecords
              ? withRecords.append()
              : command;
      switch (unwrapped) {
        case WriteCommand.Append append -> {
          for (AppendRequest part : append.parts()) {
            streams.add(part.stream());
            for (EventData data : part.events()) {
              if (data.id() != null) {
                ids.add(data.id());
              }
            }
          }
        }
        case WriteCommand.AppendWithRecords withRecords -> {
          // unwrapped above
        }
        case WriteCommand.Records recordsOnly -> {
          // records are read one by one under the commit lock
        }
        case WriteCommand.Delete delete -> {
          streams.add(delete.stream());
          streams.add(StreamDeletion.STREAM);
        }
        case WriteCommand.Scavenge scavenge -> streams.add(scavenge.stream());
        case WriteCommand.Import imported -> {
          for (RecordedEvent event : imported.events()) {
            streams.add(event.stream());
            event.deletion().ifPresent(d -> streams.add(d.stream()));
            ids.add(event.id());
          }
        }
      }
    }
  }

  /** Stages one command; returns its result, or throws why it is rejected. */
  Object stage(WriteCommand command) {
    return switch (command) {
      case WriteCommand.Append append -> stageAppend(append);
      case WriteCommand.AppendWithRecords withRecords -> stageAppendWithRecords(withRecords);
      case WriteCommand.Records recordsOnly ->
          stageRecords(recordsOnly.writes(), recordsOnly.guard());
      case WriteCommand.Delete delete -> stageDelete(delete);
      case WriteCommand.Import imported -> stageImport(imported);
      case WriteCommand.Scavenge scavenge -> stageScavenge(scavenge);
    };
  }

  /**
   * The records are checked first (checking stages nothing), then the append is staged (a rejected
   * append stages nothing), and only then the records: so both commit or neither does.
   */
  private Object stageAppendWithRecords(WriteCommand.AppendWithRecords command) {
    if (isExactRetry(command.append())) {
      return stageAppend(command.append());
    }
    Map<RecordKey, StoreRecord> scratch =
        checkRecords(command.writes(), command.guard(), new ArrayList<Long>());
    long first = nextPosition;
    Object result = stageAppend(command.append());
    mergeRecords(scratch);
    if (command.gather() != null) {
      gather(command.gather(), first);
    }
    return result;
  }

  /**
   * Adds a staged command's element to this batch's record of its gather's kind, opening it (at
   * version 1: the key, named after {@code position}, is new) when the command is the batch's first
   * of that kind ({@link RecordGather}).
   */
  private void gather(RecordGather gather, long position) {
    StoreRecord open = gathered.get(gather.kind());
    StoreRecord record;
    if (open == null) {
      byte[] value = Arrays.copyOf(gather.head(), gather.head().length + gather.element().length);
      System.arraycopy(gather.element(), 0, value, gather.head().length, gather.element().length);
      record = new StoreRecord(gather.namespace(), gather.keyAt().apply(position), 1, value);
    } else {
      byte[] value = Arrays.copyOf(open.value(), open.value().length + gather.element().length);
      System.arraycopy(gather.element(), 0, value, open.value().length, gather.element().length);
      record = new StoreRecord(open.namespace(), open.key(), 1, value);
    }
    gathered.put(gather.kind(), record);
    records.put(new RecordKey(record.namespace(), record.key()), record);
    gather.stagedAs().staged(record.key());
  }

  /** Whether every part of the append is an exact retry of a committed append. */
  private boolean isExactRetry(WriteCommand.Append command) {
    for (AppendRequest part : command.parts()) {
      if (findRetry(part) == null) {
        return false;
      }
    }
    return true;
  }

  private Object stageRecords(List<RecordWrite> writes, RecordGuard guard) {
    List<Long> versions = new ArrayList<>(writes.size());
    mergeRecords(checkRecords(writes, guard, versions));
    return List.copyOf(versions);
  }

  /**
   * Checks the guard and every expected version, and returns the records the writes produce (a null
   * value for a delete), without staging them; adds each write's new version (0 for a delete) to
   * {@code versions}.
   */
  private Map<RecordKey, StoreRecord> checkRecords(
      List<RecordWrite> writes, RecordGuard guard, List<Long> versions) {
    guard.check(this::record);
    deletedInCommand = emptied(deletedInCommand);
    Map<RecordKey, StoreRecord> scratch = new LinkedHashMap<>();
    for (RecordWrite write : writes) {
      RecordKey key = write.key();
      StoreRecord current = scratch.containsKey(key) ? scratch.get(key) : current(key, write);
      long version = current == null ? 0 : current.version();
      if (write.expectedVersion() != RecordWrite.ANY
          && write.expectedVersion() != RecordWrite.UNREAD
          && write.expectedVersion() != version) {
        throw new RecordConflictException(
            key.namespace(), key.key(), write.expectedVersion(), version);
      }
      if (!write.isDelete() && current == null && scratch.containsKey(key)) {
        deletedInCommand.add(key); // deleted earlier in this command, now written anew
      }
      scratch.put(
          key,
          write.isDelete()
              ? null
              : new StoreRecord(key.namespace(), key.key(), version + 1, write.value()));
      versions.add(write.isDelete() ? 0L : version + 1);
    }
    return scratch;
  }

  /**
   * Every key a command deletes goes to the batch's delete list, even when a later write puts it
   * again: the storage applies deletes first, so the new record starts afresh at version 1.
   */
  private void mergeRecords(Map<RecordKey, StoreRecord> scratch) {
    deletedRecords.addAll(deletedInCommand);
    for (Map.Entry<RecordKey, StoreRecord> entry : scratch.entrySet()) {
      if (entry.getValue() == null) {
        deletedRecords.add(entry.getKey()); // harmless when nothing is committed there
      }
      records.put(entry.getKey(), entry.getValue());
    }
  }

  /**
   * The record a write works on, as of everything committed or staged so far, or null; read from
   * the storage only when the write needs it. A delete without a condition needs nothing (its
   * version is 0 whatever was there). A put {@link RecordWrite#UNREAD} needs no storage read when
   * this process is the sole writer: the feature that writes it knows the key is absent, so what
   * this batch staged or this writer remembers is all there is to know; on a shared storage it is
   * read like any put, since the database checks the versions.
   */
  private StoreRecord current(RecordKey key, RecordWrite write) {
    if (write.isDelete() && write.expectedVersion() == RecordWrite.ANY) {
      return null;
    }
    if (write.expectedVersion() == RecordWrite.UNREAD
        && committedRecords != null
        && !records.containsKey(key)) {
      return committedRecords.remembered(key);
    }
    return record(key.namespace(), key.key());
  }

  /** The record as of everything committed or staged so far, or null. */
  private StoreRecord record(String namespace, String key) {
    RecordKey id = new RecordKey(namespace, key);
    if (records.containsKey(id)) {
      return records.get(id);
    }
    return committedRecords == null
        ? state.readRecord(namespace, key)
        : committedRecords.get(id, () -> state.readRecord(namespace, key));
  }

  private Object stageAppend(WriteCommand.Append command) {
    Map<String, StreamHead> scratch = new LinkedHashMap<>();
    List<RecordedEvent> fresh = new ArrayList<>();
    List<AppendResult> results = new ArrayList<>();
    long position = nextPosition;
    Instant timestamp = stamp();
    int retries = 0;
    for (AppendRequest part : command.parts()) {
      AppendResult retried = findRetry(part);
      if (retried != null) {
        results.add(retried);
        retries++;
        continue;
      }
      StreamHead head = headIn(scratch, part.stream());
      checkExpected(part.stream(), part.expected(), head);
      long revision = head.nextRevision();
      long firstRevision = revision;
      long firstPosition = position;
      for (EventData data : part.events()) {
        UUID id = data.id() != null ? data.id() : EventIds.next();
        fresh.add(
            new RecordedEvent(
                id,
                part.stream(),
                revision++,
                position++,
                timestamp,
                data.type(),
                data.contentType(),
                data.data(),
                data.metadata(),
                data.tags()));
      }
      scratch.put(part.stream(), head.appended(revision - 1, position - 1));
      results.add(
          new AppendResult(
              part.stream(), firstRevision, revision - 1, firstPosition, position - 1));
    }
    if (retries > 0 && retries < command.parts().size()) {
      throw new IdempotencyConflictException(
          "some streams of this append are an exact retry of a committed append and others are"
              + " not");
    }
    if (retries == 0) {
      for (AppendRequest part : command.parts()) {
        if (part.condition() != null) {
          checkCondition(part.condition());
        }
      }
    }
    merge(scratch, fresh, timestamp);
    return command.multi() ? new MultiAppendResult(results) : results.getFirst();
  }

  /**
   * Fails when an event matching the condition's query lies after its position, among the committed
   * events (the storage's indexes answer, bounded by what was committed when the batch began) or
   * among the events staged earlier in this batch. The command's own events are not yet staged, so
   * they never count.
   */
  private void checkCondition(AppendCondition condition) {
    Query query = condition.failIfEventsMatch();
    long after = condition.after();
    // Without a type or tag of the query seen after `after`, the indexes cannot hold a match.
    if (after < committedEnd && (newest == null || newest.bound(query, committedEnd) > after)) {
      long committed = state.firstMatch(query, after, committedEnd);
      if (committed >= 0) {
        throw new AppendConditionFailedException(committed);
      }
    }
    for (RecordedEvent event : events) {
      if (event.position() > after && query.matches(event)) {
        throw new AppendConditionFailedException(event.position());
      }
    }
  }

  /** Makes a command's staged changes part of the batch. */
  private void merge(Map<String, StreamHead> scratch, List<RecordedEvent> fresh, Instant newest) {
    events.addAll(fresh);
    heads.putAll(scratch);
    for (RecordedEvent event : fresh) {
      stagedIds.put(event.id(), event);
    }
    nextPosition += fresh.size();
    if (!fresh.isEmpty() && newest.isAfter(floor)) {
      floor = newest;
    }
  }

  /**
   * Checks that the floor was computed from the stream's current metadata and that every removal
   * lies below it, then raises the head's first visible revision and stages the removals and the
   * progress records. Rejected, it stages nothing (the scavenger looks at the stream again).
   */
  private Object stageScavenge(WriteCommand.Scavenge command) {
    String stream = command.stream();
    StoreRecord metadata = record(StreamMetadataStore.NAMESPACE, stream);
    long version = metadata == null ? 0 : metadata.version();
    if (version != command.metadataVersion()) {
      throw new RecordConflictException(
          StreamMetadataStore.NAMESPACE, stream, command.metadataVersion(), version);
    }
    StreamHead head = head(stream);
    long ceiling =
        head.status() == StreamState.Status.ACTIVE ? head.lastRevision() : head.nextRevision();
    if (head.status() == StreamState.Status.NONE || command.floor() > ceiling) {
      throw new InvalidArgumentException(
          "cannot raise the first visible revision of '"
              + stream
              + "' to "
              + command.floor()
              + " (head "
              + head
              + ")");
    }
    for (Removal removal : command.removals()) {
      RecordedEvent event = removal.event();
      if (!event.stream().equals(stream) || event.revision() >= command.floor()) {
        throw new InvalidArgumentException(
            "a removal of " + event + " is not below the floor " + command.floor());
      }
    }
    Map<RecordKey, StoreRecord> scratch =
        checkRecords(command.records(), RecordGuard.NONE, new ArrayList<Long>());
    if (command.floor() > head.firstVisibleRevision()) {
      heads.put(
          stream,
          new StreamHead(head.lastRevision(), head.lastPosition(), command.floor(), head.status()));
    }
    removals.addAll(command.removals());
    mergeRecords(scratch);
    return (long) command.removals().size();
  }

  private Object stageDelete(WriteCommand.Delete command) {
    StreamHead head = head(command.stream());
    if (head.status() == StreamState.Status.NONE && !command.tombstone()) {
      throw new StreamNotFoundException(command.stream());
    }
    checkExpected(command.stream(), command.expected(), head);
    if (!command.tombstone() && head.status() == StreamState.Status.DELETED) {
      // Deleting a deleted stream changes nothing, and commits no event (so a retry is harmless).
      return new StreamState(command.stream(), head.status(), head.lastRevision());
    }
    StreamHead after = command.tombstone() ? head.tombstoned() : head.softDeleted();
    Map<String, StreamHead> scratch = new LinkedHashMap<>();
    Instant timestamp = stamp();
    RecordedEvent event =
        deletionEvent(
            EventIds.next(),
            new StreamDeletion(command.stream(), after.firstVisibleRevision(), command.tombstone()),
            headIn(scratch, StreamDeletion.STREAM).nextRevision(),
            nextPosition,
            timestamp);
    scratch.put(command.stream(), after);
    scratch.put(
        StreamDeletion.STREAM,
        headIn(scratch, StreamDeletion.STREAM).appended(event.revision(), event.position()));
    merge(scratch, List.of(event), timestamp);
    return new StreamState(command.stream(), after.status(), after.lastRevision());
  }

  private static RecordedEvent deletionEvent(
      UUID id, StreamDeletion deletion, long revision, long position, Instant timestamp) {
    return new RecordedEvent(
        id,
        StreamDeletion.STREAM,
        revision,
        position,
        timestamp,
        deletion.type(),
        EventData.JSON,
        deletion.json(),
        null,
        Set.of());
  }

  /**
   * Stages a replay of exported events: each keeps its id, revision and timestamp and must land at
   * exactly its revision; a deletion event is replayed as the delete it records, at the same point.
   */
  private Object stageImport(WriteCommand.Import command) {
    List<RecordedEvent> sent = command.events();
    ImportResult retried = findImportRetry(sent);
    if (retried != null) {
      return retried;
    }
    Map<String, StreamHead> scratch = new LinkedHashMap<>();
    List<RecordedEvent> fresh = new ArrayList<>();
    long position = nextPosition;
    Instant newest = floor;
    for (RecordedEvent event : sent) {
      if (event.timestamp().isBefore(newest)) {
        throw new InvalidArgumentException(
            "imported event "
                + event.id()
                + " has timestamp "
                + event.timestamp()
                + ", older than "
                + newest
                + " (the store's newest event or the event before it): timestamps never go"
                + " backwards along the log");
      }
      newest = event.timestamp();
      RecordedEvent imported;
      if (event.stream().equals(StreamDeletion.STREAM)) {
        StreamDeletion deletion = importedDeletion(event);
        StreamHead target = headIn(scratch, deletion.stream());
        checkImportRevision(deletion.stream(), deletion.truncateBefore(), target);
        if (!deletion.tombstone() && target.status() != StreamState.Status.ACTIVE) {
          throw new StreamNotFoundException(deletion.stream());
        }
        scratch.put(
            deletion.stream(), deletion.tombstone() ? target.tombstoned() : target.softDeleted());
        StreamHead system = headIn(scratch, StreamDeletion.STREAM);
        checkImportRevision(StreamDeletion.STREAM, event.revision(), system);
        imported = deletionEvent(event.id(), deletion, event.revision(), position, newest);
      } else {
        checkImportRevision(event.stream(), event.revision(), headIn(scratch, event.stream()));
        imported =
            new RecordedEvent(
                event.id(),
                event.stream(),
                event.revision(),
                position,
                event.timestamp(),
                event.type(),
                event.contentType(),
                event.data(),
                event.metadata(),
                event.tags());
      }
      position++;
      fresh.add(imported);
      scratch.put(
          imported.stream(),
          headIn(scratch, imported.stream()).appended(imported.revision(), imported.position()));
    }
    long first = nextPosition;
    merge(scratch, fresh, newest);
    return new ImportResult(fresh.size(), first, position - 1);
  }

  private static StreamDeletion importedDeletion(RecordedEvent event) {
    StreamDeletion deletion =
        event
            .deletion()
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "imported event "
                            + event.id()
                            + " is in the system stream "
                            + StreamDeletion.STREAM
                            + " but is not a deletion event (type "
                            + StreamDeletion.DELETED
                            + " or "
                            + StreamDeletion.TOMBSTONED
                            + ", data {\"stream\":…,\"truncateBefore\":N})"));
    if (event.metadata() != null || !event.tags().isEmpty()) {
      throw new InvalidArgumentException(
          "imported deletion event "
              + event.id()
              + " carries metadata or tags; system events have none");
    }
    return deletion;
  }

  /** An imported event lands at exactly its revision, which must be the stream's next. */
  private static void checkImportRevision(String stream, long revision, StreamHead head) {
    if (head.status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    if (revision != head.nextRevision()) {
      throw new WrongExpectedRevisionException(
          stream,
          revision == 0 ? ExpectedRevision.noStream() : ExpectedRevision.exact(revision - 1),
          head.lastRevision());
    }
  }

  /**
   * The original result if every imported event's id is committed (or staged) as exactly that
   * event; null when none is known; an {@link IdempotencyConflictException} for anything between.
   */
  private ImportResult findImportRetry(List<RecordedEvent> sent) {
    int known = 0;
    long first = -1;
    long last = -1;
    for (RecordedEvent event : sent) {
      Known found = lookUp(event.id());
      if (found == null) {
        continue;
      }
      if (!sameImported(event, found)) {
        throw new IdempotencyConflictException(
            "event id "
                + event.id()
                + " is already committed as a different event (stream '"
                + found.stream()
                + "', revision "
                + found.revision()
                + ")");
      }
      first = known == 0 ? found.position() : first;
      last = found.position();
      known++;
    }
    if (known == 0) {
      return null;
    }
    if (known < sent.size()) {
      throw new IdempotencyConflictException(
          known
              + " of the "
              + sent.size()
              + " imported events are already committed; an exact retry must resend all of them");
    }
    return new ImportResult(sent.size(), first, last);
  }

  private static boolean sameImported(RecordedEvent sent, Known found) {
    if (!found.stream().equals(sent.stream()) || found.revision() != sent.revision()) {
      return false;
    }
    RecordedEvent committed = found.event();
    if (committed == null) {
      return true; // removed by scavenging: stream and revision are what is left to compare
    }
    if (!committed.timestamp().equals(sent.timestamp()) || !committed.type().equals(sent.type())) {
      return false;
    }
    if (sent.stream().equals(StreamDeletion.STREAM)) {
      return sent.deletion().equals(committed.deletion());
    }
    return committed.contentType().equals(sent.contentType())
        && Arrays.equals(committed.data(), sent.data())
        && Arrays.equals(committed.metadata(), sent.metadata())
        && committed.tags().equals(sent.tags());
  }

  private StreamHead headIn(Map<String, StreamHead> scratch, String stream) {
    StreamHead staged = scratch.get(stream);
    return staged != null ? staged : head(stream);
  }

  /**
   * Returns the original result if every event of {@code part} carries an id that is committed (or
   * staged) as the same event of the same stream, in order; null if none of its ids is known.
   */
  private AppendResult findRetry(AppendRequest part) {
    List<EventData> sent = part.events();
    Known[] found = new Known[sent.size()];
    int known = 0;
    int withId = 0;
    for (int i = 0; i < sent.size(); i++) {
      UUID id = sent.get(i).id();
      if (id == null) {
        continue;
      }
      withId++;
      found[i] = lookUp(id);
      if (found[i] != null) {
        known++;
      }
    }
    if (known == 0) {
      return null;
    }
    if (withId < sent.size() || known < sent.size()) {
      throw new IdempotencyConflictException(
          known
              + " of the "
              + sent.size()
              + " events sent to '"
              + part.stream()
              + "' are already committed; an exact retry must resend all of them with their ids");
    }
    for (int i = 0; i < found.length; i++) {
      if (!sameEvent(sent.get(i), found[i], part.stream(), found[0].revision() + i)) {
        throw new IdempotencyConflictException(
            "event id "
                + sent.get(i).id()
                + " is already committed as a different event (stream '"
                + found[i].stream()
                + "', revision "
                + found[i].revision()
                + ")");
      }
    }
    Known first = found[0];
    Known last = found[found.length - 1];
    return new AppendResult(
        part.stream(), first.revision(), last.revision(), first.position(), last.position());
  }

  /**
   * A committed (or staged) event found by its id: the event itself, or only where it was when
   * scavenging removed it ({@code event} null).
   */
  private record Known(String stream, long revision, long position, RecordedEvent event) {
    static Known of(RecordedEvent event) {
      return new Known(event.stream(), event.revision(), event.position(), event);
    }
  }

  private Known lookUp(UUID id) {
    RecordedEvent staged = stagedIds.get(id);
    if (staged != null) {
      return Known.of(staged);
    }
    long position = state.findPosition(id);
    if (position < 0) {
      return null;
    }
    RemovedEvent removed = state.removedAt(position);
    if (removed != null) {
      checkFoundId(id, position, removed.id());
      return new Known(removed.stream(), removed.revision(), position, null);
    }
    RecordedEvent event = state.readEvent(position);
    checkFoundId(id, position, event.id());
    return Known.of(event);
  }

  private static void checkFoundId(UUID id, long position, UUID there) {
    if (!there.equals(id)) {
      throw new DataCorruptedException(
          "the event-id index maps " + id + " to position " + position + ", which holds " + there);
    }
  }

  /**
   * Whether {@code sent} is the committed event; for a removed one only its stream and revision are
   * left to compare (its data is gone), which is what a retry of an old append can be held to.
   */
  private static boolean sameEvent(EventData sent, Known found, String stream, long revision) {
    if (!found.stream().equals(stream) || found.revision() != revision) {
      return false;
    }
    RecordedEvent committed = found.event();
    return committed == null
        || (committed.type().equals(sent.type())
            && committed.contentType().equals(sent.contentType())
            && Arrays.equals(committed.data(), sent.data())
            && Arrays.equals(committed.metadata(), sent.metadata())
            && committed.tags().equals(sent.tags()));
  }

  /** The head as of everything committed or staged so far. */
  private StreamHead head(String stream) {
    StreamHead head = heads.get(stream);
    if (head != null) {
      return head;
    }
    head = cache.get(stream);
    if (head == null) {
      head = state.loadHead(stream);
      head = head == null ? StreamHead.NEW : head;
      cache.put(stream, head);
    }
    return head;
  }

  static void checkExpected(String stream, ExpectedRevision expected, StreamHead head) {
    if (head.status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    boolean ok =
        switch (expected) {
          case ExpectedRevision.Any any -> true;
          case ExpectedRevision.NoStream none -> !head.isActive();
          case ExpectedRevision.Exists exists -> head.isActive();
          case ExpectedRevision.Exact exact ->
              head.isActive() && head.lastRevision() == exact.revision();
        };
    if (!ok) {
      throw new WrongExpectedRevisionException(
          stream, expected, head.isActive() ? head.lastRevision() : StreamState.NO_REVISION);
    }
  }
}
