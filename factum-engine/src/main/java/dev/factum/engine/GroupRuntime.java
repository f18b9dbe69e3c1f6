package dev.factum.engine;

import dev.factum.api.FactumException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.engine.GroupPending.State;
import dev.factum.engine.spi.StoreRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live state of one consumer group in this process: which events of its source are buffered,
 * which are in flight to which consumer, which are done, and what of that is durable, per partition
 * of the group that this process owns.
 *
 * <p>A group's streams fall into {@value GroupCodec#PARTITIONS} partitions (a stable hash of the
 * stream name). Each partition this process owns is a {@link GroupSlice}: its own read cursor,
 * outstanding events, done set and checkpoint record. On a storage of one process (RocksDB, in
 * memory) the runtime owns every partition for good; on a shared one {@link GroupLeases} gains and
 * loses partitions as their leases come and go, and every write of a partition's state carries a
 * fence (a guard on the partition's lease: this process, this epoch), so a process that lost a
 * lease can never move its checkpoint or ack its events. The parts: {@link GroupHandout} (the
 * buffer and its stream-order hand-out index), {@link GroupDeadlines} (the in-flight deliveries by
 * ack deadline), {@link GroupFlush} (a partition's checkpoint write), {@link GroupAckAppend} (the
 * records and guard of an ack-append); this class holds them together under one lock and owns
 * consumers, retries, parks and replays.
 *
 * <p>What must stay true (everything below holds under {@link #lock}):
 *
 * <ul>
 *   <li><b>Stream order.</b> An event is handed out only if no earlier event of its stream is
 *       outstanding (buffered and not done): {@link GroupHandout} hands out stream heads only, so
 *       at most one event per stream is in flight, to one consumer. A stream lives in one
 *       partition, and a partition in one process at a time.
 *   <li><b>The checkpoint</b> of a partition is its first outstanding position, or its read cursor
 *       when nothing is outstanding; the group's is the least over all partitions (those owned
 *       elsewhere count with their durable checkpoint). Events leave the buffer only by being done,
 *       and cursors only grow, so it never moves back. A replayed parked event is delivered from
 *       {@code replays} and never touches it.
 *   <li><b>Durability</b> goes through store records only, written by the single writer: a
 *       partition's checkpoint record (compare-and-set on its version), a {@code done/P} record for
 *       each done event above it, a {@code parked/P} record per parked event. A plain ack is in
 *       memory until the next {@link #flushWrites flush}; an ack-append writes its acks in the
 *       commit of its events (as this process's share of the commit's one {@code acks/P} record
 *       when it is the storage's sole writer, tracked until deletable by {@link GroupAckSets}; else
 *       as {@code done/P} records), guarded so a position is acked at most once ({@link
 *       #beginAckAppend}): from memory, since every write of a partition's state is this runtime's
 *       and it saw each outcome, except for {@code uncertain} positions (an earlier ack-append or
 *       park of theirs had an unknown outcome), which the guard checks in the records. A flush
 *       writes only what changed since the last one (a slice's {@code unsaved} positions, the
 *       checkpoint if it moved, the deletions it passed).
 *   <li><b>Timeouts.</b> {@code deadlines} holds exactly the deliveries in state IN_FLIGHT: every
 *       state change goes through {@link #become}, and every way out of a consumer's hands through
 *       {@link #release}; so {@link #expire} finds the late ones without walking the rest, and a
 *       delivery being committed (COMMITTING) cannot time out.
 *   <li>A partition that is draining (about to be released) hands nothing out; one whose lease may
 *       have run out (not renewed in time) hands nothing out either.
 *   <li>Nothing here blocks on the writer while holding the lock: writes are submitted and their
 *       completions re-enter the lock from the writer's completion thread.
 *   <li>A committed ack-append is handed over without waiting for the lock ({@link #ackAppended})
 *       and taken in by the next outermost entry or exit of the lock, at the latest by the exit of
 *       the thread holding it when it was handed over; until then its positions are COMMITTING (not
 *       handed out, not timed out, not done), so no caller that takes the lock sees an ack that
 *       came before it as missing.
 * </ul>
 *
 * <p>Wake-ups: pollers wait on {@code handable}, which is signalled once per event that becomes
 * handable (a poller that leaves handable events behind passes the signal on), not on every ack:
 * with many consumers a broadcast per ack woke them all to find one event. Waiters for the
 * checkpoint wait on {@code progress}, signalled when it passes the least position waited for. Both
 * waits are bounded (50 ms) because backoffs and timeouts end without a signal.
 */
final class GroupRuntime {
  /** How the runtime writes records: the store's writer, with a guard. */
  interface Writes {
    CompletableFuture<Object> submit(List<RecordWrite> writes, RecordGuard guard);
  }

  /** The guard that a partition's writes carry: its lease is still this process's, this epoch. */
  interface Fence {
    Fence NONE = (partition, epoch) -> RecordGuard.NONE;

    RecordGuard guard(int partition, long epoch);
  }

  /** Events buffered per group at most (reading stops at this many or at {@link #BUFFER_BYTES}). */
  static final int BUFFER = 10_000;

  /** Bytes of event data and metadata buffered per group at most. */
  static final long BUFFER_BYTES = 16L << 20;

  private static final int PARTITIONS = GroupCodec.PARTITIONS;
  private static final long MAX_WAIT_MILLIS = 50;

  private final UUID incarnation;
  private final String namespace;
  private final String parts;
  private final Writes writes;
  private final Fence fence;
  private final LongSupplier clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition handable = lock.newCondition();
  private final Condition progress = lock.newCondition();
  private final Condition released = lock.newCondition();
  private volatile Runnable roomMade = () -> {};
  private GroupDefinition definition;
  private long definitionVersion;

  /** The guard that the group still exists (same name and incarnation for the runtime's life). */
  private final RecordGuard exists;

  private final GroupSlice[] slices = new GroupSlice[PARTITIONS];
  private final long[] elsewhere = new long[PARTITIONS];
  private final GroupHandout buffer = new GroupHandout(BUFFER, BUFFER_BYTES);

  /** Exactly the deliveries in state IN_FLIGHT (buffered or replays), by ack deadline. */
  private final GroupDeadlines deadlines = new GroupDeadlines();

  private final Set<Long> legacyDone = new HashSet<>();

  /**
   * Outstanding positions whose ack-append or park failed with an outcome this process cannot know
   * (the write may have landed): an ack-append of one checks the records ({@link GroupAckAppend}).
   * Each maps to the key of the {@code acks/P} record its ack-append was staged into, or to "" when
   * none was.
   */
  private final Map<Long, String> uncertain = new HashMap<>();

  /**
   * Whether ack-appends write their acks into the commit's one {@code acks/P} record ({@link
   * RecordGather}): when this process is the storage's sole writer (no fence), so it owns every
   * partition for good and can tell when a record's positions are all behind durable checkpoints.
   */
  private final boolean gathers;

  /** The {@code acks/P} records not yet deleted, and when each may be ({@link GroupAckSets}). */
  private final GroupAckSets ackSets = new GroupAckSets();

  /** A committed ack-append: its positions and the {@code acks/P} record holding them (or null). */
  private record Appended(List<Long> positions, String ackSet) {}

  /** Committed ack-appends not yet taken in under the lock ({@link #ackAppended}). */
  private final ConcurrentLinkedQueue<Appended> appendedAcks = new ConcurrentLinkedQueue<>();

  /** Whether taking in hand-overs made room in the buffer (reported by the outermost exit). */
  private boolean roomAfterAbsorb;

  private final TreeMap<Long, GroupPending> replays = new TreeMap<>();
  private final TreeMap<Long, ParkedEvent> parked = new TreeMap<>();
  private final Map<String, Set<Long>> inFlightBy = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final TreeMap<Long, Integer> awaited = new TreeMap<>();

  private long reported;
  private FactumException stopped;
  private long delivered;
  private long redeliveries;

  /**
   * A runtime owning no partition yet; {@code base} is the group's base checkpoint, which counts
   * for every partition until its own checkpoint is known.
   */
  GroupRuntime(
      GroupCodec.Stored stored,
      long definitionVersion,
      long base,
      Writes writes,
      Fence fence,
      LongSupplier clock) {
    this.incarnation = stored.incarnation();
    this.namespace = stored.namespace();
    this.parts = GroupCodec.partsNamespaceOf(stored.incarnation());
    this.definition = stored.definition();
    this.definitionVersion = definitionVersion;
    this.exists = existsGuard(stored.definition().name(), stored.incarnation());
    this.writes = writes;
    this.fence = fence;
    this.gathers = fence == Fence.NONE;
    this.clock = clock;
    Arrays.fill(elsewhere, base);
    this.reported = base;
  }

  /** The base checkpoint of a group: its {@code checkpoint} record, else its start. */
  static long base(GroupCodec.Stored stored, List<StoreRecord> state) {
    for (StoreRecord record : state) {
      if (record.key().equals(GroupCodec.CHECKPOINT)) {
        return GroupCodec.checkpoint(record.value());
      }
    }
    return stored.definition().start().position();
  }

  /**
   * Called (outside the lock) when the buffer has room for a page again, so the feeder need not
   * wait for its next tick to refill it.
   */
  void onRoom(Runnable callback) {
    this.roomMade = callback;
  }

  String name() {
    return definition.name();
  }

  GroupDefinition definition() {
    enter();
    try {
      return definition;
    } finally {
      exit();
    }
  }

  long definitionVersion() {
    enter();
    try {
      return definitionVersion;
    } finally {
      exit();
    }
  }

  UUID incarnation() {
    return incarnation;
  }

  String namespace() {
    return namespace;
  }

  String partsNamespace() {
    return parts;
  }

  void redefined(GroupDefinition updated, long version) {
    enter();
    try {
      definition = updated;
      definitionVersion = version;
      wakeAll();
    } finally {
      exit();
    }
  }

  /** The group was deleted, or the store is closing: every waiting and later call fails. */
  void stop(FactumException why) {
    enter();
    try {
      if (stopped == null) {
        stopped = why;
      }
      wakeAll();
    } finally {
      exit();
    }
  }

  boolean isStopped() {
    enter();
    try {
      return stopped != null;
    } finally {
      exit();
    }
  }

  private void checkRunning() {
    if (stopped != null) {
      throw stopped instanceof GroupNotFoundException gone
          ? new GroupNotFoundException(gone.getMessage())
          : stopped;
    }
  }

  private void wakeAll() {
    handable.signalAll();
    progress.signalAll();
    released.signalAll();
  }

  /** The checkpoint may have moved: wakes its waiters when it passed the least one waited for. */
  private void progressed() {
    if (!awaited.isEmpty() && checkpoint() > awaited.firstKey()) {
      progress.signalAll();
    }
  }

  /** The group's checkpoint as this process knows it; it never moves back. */
  long checkpoint() {
    enter();
    try {
      long least = Long.MAX_VALUE;
      for (int p = 0; p < PARTITIONS; p++) {
        least = Math.min(least, slices[p] != null ? slices[p].checkpoint() : elsewhere[p]);
      }
      reported = Math.max(reported, least);
      return reported;
    } finally {
      exit();
    }
  }

  // ---- partitions
  // --------------------------------------------------------------------------------

  /**
   * Takes over partition {@code p} from its durable state: {@code state} is the group's namespace,
   * {@code partitionRecords} its partitions' namespace, both read after the lease was won.
   */
  void gain(
      int p,
      long epoch,
      boolean leased,
      long validUntil,
      List<StoreRecord> state,
      List<StoreRecord> partitionRecords) {
    enter();
    try {
      if (slices[p] != null) {
        return;
      }
      GroupSlice slice = new GroupSlice(p, epoch, leased);
      long checkpoint = elsewhere[p];
      for (StoreRecord record : partitionRecords) {
        if (record.key().equals(GroupCodec.partitionKey(GroupCodec.PARTITION_CHECKPOINT, p))) {
          checkpoint = GroupCodec.checkpoint(record.value());
          slice.checkpointVersion = record.version();
        }
      }
      for (StoreRecord record : state) {
        if (record.key().startsWith(GroupCodec.DONE)) {
          long position = GroupCodec.positionOf(GroupCodec.DONE, record.key());
          int of = GroupCodec.donePartition(record.value());
          if (of == p) {
            slice.durableDone.add(position);
            if (position >= checkpoint) {
              slice.doneAbove.add(position);
            }
          } else if (of < 0 && position >= checkpoint) {
            slice.doneAbove.add(position); // written before partitions: whose it is shows on read
            legacyDone.add(position);
          }
        } else if (record.key().startsWith(GroupCodec.ACKS)) {
          GroupCodec.AckSet entries = GroupCodec.ackSet(record.value());
          ackSets.add(record.key(), entries);
          for (int i = 0; i < entries.positions().length; i++) {
            if (entries.partitions()[i] == p && entries.positions()[i] >= checkpoint) {
              slice.doneAbove.add(entries.positions()[i]);
            }
          }
        } else if (record.key().startsWith(GroupCodec.PARKED)) {
          long position = GroupCodec.positionOf(GroupCodec.PARKED, record.key());
          ParkedEvent entry = GroupCodec.parked(position, record.value());
          if (GroupCodec.partitionOf(entry.stream()) == p) {
            parked.put(position, entry);
            if (position >= checkpoint) {
              slice.doneAbove.add(position);
            }
          }
        }
      }
      ackSets.covered(p, checkpoint);
      slice.readCursor = checkpoint;
      slice.durableCheckpoint = checkpoint;
      slice.validUntil = validUntil;
      slices[p] = slice;
      wakeAll();
    } finally {
      exit();
    }
  }

  /** Partition {@code p} is no longer this process's: its events here are forgotten. */
  void lose(int p) {
    enter();
    try {
      GroupSlice slice = slices[p];
      if (slice == null) {
        return;
      }
      slices[p] = null;
      elsewhere[p] = Math.max(elsewhere[p], slice.durableCheckpoint);
      for (GroupPending pending : slice.outstanding.values()) {
        release(pending);
        buffer.remove(pending);
      }
      wakeAll();
    } finally {
      exit();
    }
    roomMade.run();
  }

  /** The epoch this process holds partition {@code p} with, or -1. */
  long epochOf(int p) {
    enter();
    try {
      return slices[p] == null ? -1 : slices[p].epoch;
    } finally {
      exit();
    }
  }

  int owned() {
    enter();
    try {
      int count = 0;
      for (GroupSlice slice : slices) {
        if (slice != null) {
          count++;
        }
      }
      return count;
    } finally {
      exit();
    }
  }

  /** The durable checkpoint of a partition owned elsewhere, as last read. */
  void elsewhere(int p, long checkpoint) {
    enter();
    try {
      if (slices[p] == null) {
        elsewhere[p] = Math.max(elsewhere[p], checkpoint);
        progressed();
      }
    } finally {
      exit();
    }
  }

  void renewed(int p, long epoch, long validUntil) {
    enter();
    try {
      GroupSlice slice = slices[p];
      if (slice != null && slice.epoch == epoch) {
        slice.validUntil = validUntil;
        handable.signalAll();
      }
    } finally {
      exit();
    }
  }

  void draining(int p, boolean draining) {
    enter();
    try {
      if (slices[p] != null) {
        slices[p].draining = draining;
        if (!draining) {
          handable.signalAll();
        }
      }
    } finally {
      exit();
    }
  }

  /**
   * When partition {@code p} is draining with nothing in flight and no flush under way: detaches it
   * and returns the writes of its last checkpoint, to commit with the lease's release; else null.
   */
  GroupFlush detachDrained(int p) {
    return detach(p, false);
  }

  /**
   * Detaches partition {@code p} as {@link #detachDrained} does; with {@code force} (the store is
   * closing) whatever is in flight: those deliveries are simply never acked here.
   */
  GroupFlush detach(int p, boolean force) {
    enter();
    try {
      GroupSlice slice = slices[p];
      if (slice == null || (!force && (!slice.draining || slice.flushing))) {
        return null;
      }
      for (GroupPending pending : slice.outstanding.values()) {
        if (!force && (pending.state == State.IN_FLIGHT || pending.state == State.COMMITTING)) {
          return null;
        }
      }
      GroupFlush flush = flush(slice, List.of()); // acks/P records left here go after the next gain
      lose(p);
      elsewhere[p] = Math.max(elsewhere[p], flush.checkpoint());
      return flush;
    } finally {
      exit();
    }
  }

  /** Whether a consumer of this process used the group within {@code window} nanos. */
  boolean hasConsumers(long now, long window) {
    enter();
    try {
      for (Set<Long> mine : inFlightBy.values()) {
        if (!mine.isEmpty()) {
          return true;
        }
      }
      for (long seen : lastSeen.values()) {
        if (now - seen <= window) {
          return true;
        }
      }
      return false;
    } finally {
      exit();
    }
  }

  private boolean current(GroupSlice slice) {
    return slice != null && slices[slice.partition] == slice;
  }

  // ---- reading the source ----------------------------------------------------------------------

  /**
   * Where the next read of the source starts, or -1 when the buffer is full or nothing is owned.
   */
  long wantsRead() {
    enter();
    try {
      if (stopped != null || buffer.full()) {
        return -1;
      }
      long least = -1;
      for (GroupSlice slice : slices) {
        if (slice != null && (least < 0 || slice.readCursor < least)) {
          least = slice.readCursor;
        }
      }
      return least;
    } finally {
      exit();
    }
  }

  /**
   * Takes in a page read from {@code from} (every event of the source from {@code from} up to
   * {@code next}): each owned partition whose cursor lies in that range takes its own events.
   */
  void read(long from, List<RecordedEvent> events, long next) {
    enter();
    try {
      if (stopped != null) {
        return;
      }
      GroupSlice[] taking = new GroupSlice[PARTITIONS];
      boolean any = false;
      for (GroupSlice slice : slices) {
        if (slice != null && slice.readCursor >= from && slice.readCursor < next) {
          taking[slice.partition] = slice;
          any = true;
        }
      }
      if (!any) {
        return;
      }
      int added = 0;
      for (RecordedEvent event : events) {
        GroupSlice slice = taking[GroupCodec.partitionOf(event.stream())];
        long position = event.position();
        if (slice == null || position < slice.readCursor) {
          continue;
        }
        if (slice.doneAbove.contains(position)) {
          if (legacyDone.remove(position)) {
            slice.durableDone.add(position); // now known to be this partition's
          }
          continue; // done before a restart or a takeover
        }
        if (definition.source().isStream()
            && !event.stream().equals(definition.source().stream())) {
          continue;
        }
        GroupPending pending = new GroupPending(event, false, 0, slice);
        slice.outstanding.put(position, pending);
        buffer.add(pending);
        added++;
      }
      for (GroupSlice slice : taking) {
        if (slice != null) {
          long before = slice.checkpoint();
          slice.readCursor = next;
          slice.prune();
          slice.dirty |= slice.checkpoint() != before;
        }
      }
      if (added > 0) {
        handable.signalAll();
      }
      progressed();
    } finally {
      exit();
    }
  }

  // ---- handing out -----------------------------------------------------------------------------

  /** Up to {@code max} deliveries for {@code consumer} now (possibly none). */
  List<Delivery> take(String consumer, int max, long now) {
    enter();
    try {
      checkRunning();
      lastSeen.put(consumer, now);
      Set<Long> mine = inFlightBy.computeIfAbsent(consumer, c -> new HashSet<>());
      int room = Math.min(max, definition.settings().maxInFlight() - mine.size());
      int others = lock.getWaitQueueLength(handable);
      if (others > 0) {
        // a fair share when other pollers wait, so no consumer sits on work others could do
        room = Math.min(room, Math.max(1, buffer.waitingHeads() / (others + 1)));
      }
      List<Delivery> out = new ArrayList<>();
      for (GroupPending pending : replays.values()) {
        if (out.size() >= room) {
          return out;
        }
        if (pending.isDue(now)) {
          out.add(hand(pending, consumer, mine, now));
        }
      }
      for (GroupPending pending : buffer.due(room - out.size(), now, s -> s.usable(now))) {
        out.add(hand(pending, consumer, mine, now));
      }
      return out;
    } finally {
      exit();
    }
  }

  private Delivery hand(GroupPending pending, String consumer, Set<Long> mine, long now) {
    pending.consumer = consumer;
    pending.attempts++;
    pending.deadline = now + definition.settings().ackTimeout().toNanos();
    become(pending, State.IN_FLIGHT);
    mine.add(pending.position());
    delivered++;
    if (pending.attempts > 1) {
      redeliveries++;
    }
    return new Delivery(pending.event, pending.attempts, pending.replay);
  }

  /** Whether something could be handed out now (to a consumer with room). */
  private boolean anyHandable(long now) {
    for (GroupPending pending : replays.values()) {
      if (pending.isDue(now)) {
        return true;
      }
    }
    return !buffer.due(1, now, s -> s.usable(now)).isEmpty();
  }

  /**
   * A long poll: {@link #take}, waiting up to {@code deadline} (clock nanos) for at least one
   * delivery. Waits are bounded (50 ms) because backoffs and timeouts end without a signal.
   */
  List<Delivery> poll(String consumer, int max, long deadline) throws InterruptedException {
    enter();
    try {
      List<Delivery> taken = take(consumer, max, clock.getAsLong());
      while (taken.isEmpty()) {
        long left = deadline - clock.getAsLong();
        if (left <= 0) {
          break;
        }
        Set<Long> mine = inFlightBy.get(consumer);
        boolean full = mine != null && mine.size() >= definition.settings().maxInFlight();
        // a consumer without room waits for one of its own to end, not for events it cannot take
        (full ? released : handable)
            .await(
                Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), MAX_WAIT_MILLIS)),
                TimeUnit.MILLISECONDS);
        taken = take(consumer, max, clock.getAsLong());
      }
      if (!taken.isEmpty() && lock.hasWaiters(handable) && anyHandable(clock.getAsLong())) {
        handable.signal(); // more than this poller took: pass the wake-up on
      }
      return taken;
    } finally {
      exit();
    }
  }

  /** Waits until everything at or below {@code position} is done, or {@code deadline} passes. */
  boolean awaitProcessed(long position, long deadline) throws InterruptedException {
    enter();
    try {
      awaited.merge(position, 1, Integer::sum);
      try {
        while (checkpoint() <= position) {
          checkRunning();
          long left = deadline - clock.getAsLong();
          if (left <= 0) {
            return false;
          }
          progress.await(
              Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), MAX_WAIT_MILLIS)),
              TimeUnit.MILLISECONDS);
        }
        return true;
      } finally {
        awaited.computeIfPresent(position, (p, n) -> n == 1 ? null : n - 1);
      }
    } finally {
      exit();
    }
  }

  // ---- acks, nacks, parks ----------------------------------------------------------------------

  private GroupPending delivered(String consumer, long position) {
    checkRunning();
    GroupPending pending = buffer.get(position);
    if (pending == null) {
      pending = replays.get(position);
    }
    if (pending == null || pending.state != State.IN_FLIGHT || !consumer.equals(pending.consumer)) {
      throw new NotDeliveredException(
          "the event at position "
              + position
              + " is not delivered to consumer '"
              + consumer
              + "' of group '"
              + name()
              + "' now (never delivered to it, already acked or parked, handed to another"
              + " consumer after a timeout, or its partition moved to another server)");
    }
    return pending;
  }

  /** A plain ack: done at once in memory (durable with the next flush); a replay's waits. */
  CompletableFuture<Object> ack(String consumer, long position) {
    boolean room;
    enter();
    try {
      GroupPending pending = delivered(consumer, position);
      lastSeen.put(consumer, clock.getAsLong());
      if (pending.replay) {
        become(pending, State.COMMITTING);
        return persist(
            List.of(
                RecordWrite.delete(
                    namespace,
                    GroupCodec.positionKey(GroupCodec.PARKED, position),
                    RecordWrite.ANY)),
            existsGuard(),
            written -> {
              parked.remove(position);
              replays.remove(position);
              release(pending);
            },
            pending);
      }
      room = done(pending, false);
    } finally {
      exit();
    }
    if (room) {
      roomMade.run();
    }
    return CompletableFuture.completedFuture(null);
  }

  CompletableFuture<Object> nack(String consumer, long position, String reason) {
    enter();
    try {
      GroupPending pending = delivered(consumer, position);
      lastSeen.put(consumer, clock.getAsLong());
      return failed(pending, GroupCodec.reason(reason), clock.getAsLong());
    } finally {
      exit();
    }
  }

  CompletableFuture<Object> park(String consumer, long position, String reason) {
    enter();
    try {
      GroupPending pending = delivered(consumer, position);
      lastSeen.put(consumer, clock.getAsLong());
      return park(pending, GroupCodec.reason(reason));
    } finally {
      exit();
    }
  }

  /** A failed attempt: back off and retry, or park after the last one. */
  private CompletableFuture<Object> failed(GroupPending pending, String reason, long now) {
    release(pending);
    if (pending.attempts > definition.settings().maxRetries()) {
      return park(pending, reason);
    }
    pending.readyAt = now + definition.settings().retryBackoff().toNanos() * pending.attempts;
    become(pending, State.BACKOFF);
    handable.signal();
    return CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Object> park(GroupPending pending, String reason) {
    release(pending);
    become(pending, State.COMMITTING);
    ParkedEvent entry =
        new ParkedEvent(pending.position(), pending.event.stream(), reason, pending.attempts);
    RecordGuard guard =
        pending.slice == null
            ? existsGuard()
            : both(existsGuard(), fence.guard(pending.slice.partition, pending.slice.epoch));
    return persist(
        List.of(
            RecordWrite.put(
                namespace,
                GroupCodec.positionKey(GroupCodec.PARKED, pending.position()),
                GroupCodec.parked(entry),
                RecordWrite.ANY)),
        guard,
        written -> {
          parked.put(entry.position(), entry);
          if (pending.replay) {
            replays.remove(pending.position());
          } else {
            done(pending, false);
          }
        },
        pending);
  }

  private static RecordGuard both(RecordGuard first, RecordGuard second) {
    return view -> {
      first.check(view);
      second.check(view);
    };
  }

  /**
   * Submits {@code recordWrites} under {@code guard}; on success runs {@code applied} under the
   * lock, on failure puts {@code pending} back to be handed out again.
   */
  private CompletableFuture<Object> persist(
      List<RecordWrite> recordWrites,
      RecordGuard guard,
      Consumer<Object> applied,
      GroupPending pending) {
    CompletableFuture<Object> written = writes.submit(recordWrites, guard);
    return written.whenComplete(
        (result, failure) -> {
          enter();
          try {
            if (failure == null) {
              applied.accept(result);
            } else if (pending.state == State.COMMITTING) {
              uncertain.putIfAbsent(pending.position(), "");
              pending.readyAt = clock.getAsLong() + definition.settings().retryBackoff().toNanos();
              become(pending, State.BACKOFF);
            }
            wakeAll();
          } finally {
            exit();
          }
          roomMade.run();
        });
  }

  /**
   * Sets {@code pending}'s state, keeping the hand-out index and the deadlines true: every change
   * of a delivery's state goes through here.
   */
  private void become(GroupPending pending, State state) {
    pending.state = state;
    buffer.changed(pending);
    if (state == State.IN_FLIGHT) {
      deadlines.add(pending);
    } else {
      deadlines.remove(pending);
    }
  }

  /** {@code pending} is no longer in flight to its consumer (done, failed, parked, forgotten). */
  private void release(GroupPending pending) {
    deadlines.remove(pending);
    if (pending.consumer != null) {
      Set<Long> mine = inFlightBy.get(pending.consumer);
      if (mine != null && mine.remove(pending.position()) && lock.hasWaiters(released)) {
        released.signalAll();
      }
      pending.consumer = null;
    }
  }

  /**
   * The event is done (acked or parked): it leaves the buffer and its partition's outstanding
   * events; returns whether the buffer has room for a page now.
   */
  private boolean done(GroupPending pending, boolean durable) {
    return done(pending, durable, false);
  }

  /**
   * {@link #done(GroupPending, boolean)}; {@code inAckSet}: its durable record is an {@code acks/P}
   * record ({@link GroupAckSets} tracks it), not a {@code done/P} one.
   */
  private boolean done(GroupPending pending, boolean durable, boolean inAckSet) {
    release(pending);
    GroupSlice slice = pending.slice;
    if (!current(slice) || slice.outstanding.get(pending.position()) != pending) {
      return false; // its partition moved away meanwhile
    }
    // the checkpoint is the first outstanding position: it moves exactly when that one is done
    boolean moved = slice.outstanding.firstKey() == pending.position();
    slice.outstanding.remove(pending.position());
    boolean wasUncertain = uncertain.remove(pending.position()) != null;
    boolean wasFull = buffer.full();
    buffer.remove(pending);
    if (durable) {
      if (!inAckSet) {
        slice.durableDone.add(pending.position());
      }
    } else {
      slice.unsaved.add(pending.position());
      if (wasUncertain) {
        slice.maybeWritten.add(pending.position()); // its ack-append's record may have landed
      }
    }
    slice.prune();
    // an ack-append's record is written already: a flush is due only if the checkpoint moved
    slice.dirty |= !durable || moved;
    handable.signal(); // the next event of its stream, if buffered
    if (moved) {
      progressed(); // the group's checkpoint is the least of its partitions': only this one moved
    }
    return wasFull && !buffer.full();
  }

  /** The consumer leaves: its in-flight events are handed out again at once. */
  void leave(String consumer) {
    enter();
    try {
      checkRunning();
      Set<Long> mine = inFlightBy.remove(consumer);
      lastSeen.remove(consumer);
      if (mine == null) {
        return;
      }
      for (long position : mine) {
        GroupPending pending = buffer.get(position);
        if (pending == null) {
          pending = replays.get(position);
        }
        if (pending != null && pending.state == State.IN_FLIGHT) {
          pending.consumer = null;
          become(pending, State.READY);
        }
      }
      handable.signalAll();
    } finally {
      exit();
    }
  }

  /**
   * Deliveries past their ack timeout count as failed attempts: taken from {@link #deadlines} in
   * deadline order, so this costs what is late, not what is in flight.
   */
  void expire(long now) {
    enter();
    try {
      if (stopped != null) {
        return;
      }
      for (GroupPending late = deadlines.pollDue(now);
          late != null;
          late = deadlines.pollDue(now)) {
        // a park it leads to completes (or fails back to a retry) by itself
        CompletableFuture<Object> unused = failed(late, "ack timeout", now);
      }
    } finally {
      exit();
    }
  }

  // ---- exactly-once acks with an append --------------------------------------------------------

  /**
   * Marks {@code positions} as committing and returns the writes and guard of their ack-append
   * ({@link GroupAckAppend}); {@link #ackAppended} ends it.
   */
  GroupAckAppend beginAckAppend(String consumer, List<Long> positions, boolean withEvents) {
    List<GroupPending> found = new ArrayList<>(positions.size());
    Map<Long, String> unsure;
    enter();
    try {
      if (positions.size() > 1 && new HashSet<>(positions).size() != positions.size()) {
        throw new InvalidArgumentException("a position is acked twice");
      }
      for (long position : positions) {
        GroupPending pending = delivered(consumer, position);
        if (pending.replay) {
          throw new InvalidArgumentException(
              "a replayed parked event is acked with a plain ack, not with an append");
        }
        found.add(pending);
      }
      for (GroupPending pending : found) {
        become(pending, State.COMMITTING); // being committed: it cannot time out meanwhile
      }
      lastSeen.put(consumer, clock.getAsLong());
      unsure = uncertain.isEmpty() ? Map.of() : new HashMap<>();
      if (!uncertain.isEmpty()) {
        for (long position : positions) {
          String earlier = uncertain.get(position);
          if (earlier != null) {
            unsure.put(position, earlier);
          }
        }
      }
    } finally {
      exit();
    }
    // built outside the lock: it reads only what is fixed (each slice's partition and epoch)
    return GroupAckAppend.of(
        name(), namespace, parts, found, unsure, gathers && withEvents, fence, exists);
  }

  /**
   * The ack-append of {@code positions} ended. Committed, they are done; the runtime takes that in
   * under its lock, but the caller does not wait for the lock: the positions are handed over
   * ({@link #appendedAcks}) and taken in by whoever holds the lock next, at once if it is free (see
   * {@link #exit}). So a consumer's ack-append costs it one turn of the group's lock (in {@link
   * #beginAckAppend}), as a plain ack does, not two. Until taken in they stay COMMITTING: handed to
   * nobody, never timed out, not done for the checkpoint; every call that takes the lock sees them
   * done.
   */
  void ackAppended(List<Long> positions, GroupAckAppend staged, Throwable failure) {
    String ackSet = staged.gather() == null ? null : staged.stagedAs().get();
    if (failure == null) {
      appendedAcks.add(new Appended(positions, ackSet));
      if (lock.tryLock()) {
        exit(); // takes them in (else the holder's exit does)
      }
      return;
    }
    boolean room = false;
    enter();
    try {
      for (long position : positions) {
        GroupPending pending = buffer.get(position);
        if (pending == null || pending.state != State.COMMITTING) {
          continue;
        }
        if (failure instanceof NotDeliveredException) {
          // acked durably by someone else (e.g. before an unknown outcome)
          room |= done(pending, true);
        } else {
          // a rejection wrote nothing, but an unknown outcome may have (into its acks/P record if
          // it was staged into one)
          uncertain.merge(
              position, ackSet == null ? "" : ackSet, (old, now) -> now.isEmpty() ? old : now);
          become(pending, State.IN_FLIGHT); // still the consumer's: it may retry or nack
        }
      }
    } finally {
      exit();
    }
    if (room) {
      roomMade.run();
    }
  }

  /** Takes in the committed ack-appends handed over; returns whether the buffer made room. */
  private boolean absorbAppended() {
    boolean room = false;
    for (Appended appended = appendedAcks.poll();
        appended != null;
        appended = appendedAcks.poll()) {
      boolean inAckSet = appended.ackSet() != null;
      int[] partitions = new int[appended.positions().size()];
      long[] positions = new long[partitions.length];
      int n = 0;
      for (long position : appended.positions()) {
        GroupPending pending = buffer.get(position);
        if (pending != null && pending.state == State.COMMITTING) {
          partitions[n] = pending.slice.partition;
          positions[n++] = position;
          room |= done(pending, true, inAckSet);
        }
      }
      if (inAckSet && n > 0) { // before a flush can pass them: done just now, under this lock
        ackSets.add(
            appended.ackSet(),
            new GroupCodec.AckSet(Arrays.copyOf(partitions, n), Arrays.copyOf(positions, n)));
      }
    }
    roomAfterAbsorb |= room;
    return room;
  }

  /** Takes the lock; the outermost entry first takes in the ack-appends handed over. */
  private void enter() {
    lock.lock();
    if (lock.getHoldCount() == 1 && !appendedAcks.isEmpty()) {
      absorbAppended();
    }
  }

  /**
   * Leaves the lock. The outermost exit takes in what was handed over while the lock was held, and
   * looks again after unlocking: a hand-over whose {@code tryLock} failed because this thread held
   * the lock is seen here (its add came before that failed attempt, which came before this unlock),
   * so none waits for a later caller.
   */
  private void exit() {
    if (lock.getHoldCount() > 1) {
      lock.unlock();
      return;
    }
    if (!appendedAcks.isEmpty()) {
      absorbAppended();
    }
    boolean room = roomAfterAbsorb;
    roomAfterAbsorb = false;
    lock.unlock();
    while (!appendedAcks.isEmpty() && lock.tryLock()) {
      try {
        absorbAppended();
        room |= roomAfterAbsorb;
        roomAfterAbsorb = false;
      } finally {
        lock.unlock();
      }
    }
    if (room) {
      roomMade.run();
    }
  }

  /** The group's existence as the writer sees it: its definition, of this incarnation. */
  RecordGuard existsGuard() {
    return exists;
  }

  private static RecordGuard existsGuard(String group, UUID mine) {
    return view -> {
      StoreRecord stored = view.read(GroupCodec.DEFINITIONS, group);
      if (stored == null || !GroupCodec.incarnation(stored.value()).equals(mine)) {
        throw new GroupNotFoundException("consumer group '" + group + "' does not exist");
      }
    };
  }

  // ---- parked events ---------------------------------------------------------------------------

  List<ParkedEvent> parked() {
    enter();
    try {
      checkRunning();
      return List.copyOf(parked.values());
    } finally {
      exit();
    }
  }

  /**
   * On a shared storage: the parked events as the records hold them (parks by other servers
   * included); those being replayed here stay listed until their ack.
   */
  void parkedFromRecords(List<StoreRecord> state) {
    enter();
    try {
      TreeMap<Long, ParkedEvent> fresh = new TreeMap<>();
      for (StoreRecord record : state) {
        if (record.key().startsWith(GroupCodec.PARKED)) {
          long position = GroupCodec.positionOf(GroupCodec.PARKED, record.key());
          fresh.put(position, GroupCodec.parked(position, record.value()));
        }
      }
      for (long position : replays.keySet()) {
        ParkedEvent entry = parked.get(position);
        if (entry != null) {
          fresh.putIfAbsent(position, entry);
        }
      }
      parked.clear();
      parked.putAll(fresh);
    } finally {
      exit();
    }
  }

  private ParkedEvent parkedAt(long position) {
    checkRunning();
    ParkedEvent entry = parked.get(position);
    if (entry == null || replays.containsKey(position)) {
      throw new NotDeliveredException(
          "no parked event at position " + position + " in group '" + name() + "'");
    }
    return entry;
  }

  /** Hands a parked event out again (read by the caller, outside the lock). */
  void replay(long position, RecordedEvent event) {
    enter();
    try {
      parkedAt(position);
      replays.put(position, new GroupPending(event, true, 0, null)); // a fresh set of attempts
      handable.signal();
    } finally {
      exit();
    }
  }

  void checkParked(long position) {
    enter();
    try {
      parkedAt(position);
    } finally {
      exit();
    }
  }

  CompletableFuture<Object> skip(long position) {
    enter();
    try {
      parkedAt(position);
      return writes
          .submit(
              List.of(
                  RecordWrite.delete(
                      namespace,
                      GroupCodec.positionKey(GroupCodec.PARKED, position),
                      RecordWrite.ANY)),
              existsGuard())
          .whenComplete(
              (result, failure) -> {
                enter();
                try {
                  if (failure == null) {
                    parked.remove(position);
                  }
                } finally {
                  exit();
                }
              });
    } finally {
      exit();
    }
  }

  // ---- flushing the checkpoints ----------------------------------------------------------------

  /**
   * The writes that make the current checkpoints durable ({@link GroupFlush}), one per owned
   * partition that changed (all when {@code force}), skipping partitions with a flush under way.
   */
  List<GroupFlush> flushWrites(boolean force) {
    enter();
    try {
      if (stopped != null) {
        return List.of();
      }
      List<GroupFlush> out = new ArrayList<>();
      List<String> deletable = ackSets.takeDeletable(); // go with the first flush
      for (GroupSlice slice : slices) {
        if (slice != null && !slice.flushing && (slice.dirty || force || !deletable.isEmpty())) {
          out.add(flush(slice, deletable));
          deletable = List.of();
        }
      }
      ackSets.giveBack(deletable); // every partition had a flush under way: the next round
      return out;
    } finally {
      exit();
    }
  }

  private GroupFlush flush(GroupSlice slice, List<String> ackSetDeletes) {
    return GroupFlush.of(
        slice,
        namespace,
        parts,
        legacyDone,
        ackSetDeletes,
        both(existsGuard(), fence.guard(slice.partition, slice.epoch)));
  }

  void flushed(GroupFlush flush, Object result, Throwable failure) {
    enter();
    try {
      GroupSlice slice = flush.slice;
      slice.flushing = false;
      if (failure != null) {
        ackSets.giveBack(flush.ackSetDeletes()); // a delete that did land is harmless again
      }
      if (!current(slice)) {
        return; // released or lost meanwhile
      }
      if (failure == null) {
        @SuppressWarnings("unchecked")
        List<Long> versions = (List<Long>) result;
        flush.applied(versions);
        ackSets.covered(slice.partition, slice.durableCheckpoint);
        wakeAll();
        return;
      }
      if (!(failure instanceof RecordConflictException
          || failure instanceof GroupNotFoundException
          || failure instanceof StoreClosedException)) {
        flush.retry(); // try again with the next flush (gives the deletions back first)
      } else {
        flush.notApplied();
      }
      if (failure instanceof RecordConflictException conflict) {
        if (slice.leased) {
          lose(slice.partition); // another process holds the partition now
        } else {
          stopped =
              new RecordConflictException(
                  "consumer group '"
                      + name()
                      + "' stopped in this process: its checkpoint was written by another process",
                  conflict);
        }
      } else if (failure instanceof GroupNotFoundException gone) {
        stopped = gone;
      }
      wakeAll();
    } finally {
      exit();
    }
  }

  // ---- status ----------------------------------------------------------------------------------

  /** The age of the oldest outstanding event held here, by the wall clock against commit time. */
  private double lagSeconds() {
    GroupPending oldest = null;
    for (GroupSlice slice : slices) {
      if (slice != null && !slice.outstanding.isEmpty()) {
        GroupPending first = slice.outstanding.firstEntry().getValue();
        oldest = oldest == null || first.position() < oldest.position() ? first : oldest;
      }
    }
    if (oldest == null) {
      return 0;
    }
    long micros = ChronoUnit.MICROS.between(oldest.event.timestamp(), Instant.now());
    return Math.max(0, micros) / 1e6;
  }

  GroupStatus status(long head, long now) {
    enter();
    try {
      checkRunning();
      int inFlight = 0;
      for (Set<Long> mine : inFlightBy.values()) {
        inFlight += mine.size();
      }
      long window = definition.settings().ackTimeout().toNanos();
      int consumers = 0;
      for (Map.Entry<String, Long> seen : lastSeen.entrySet()) {
        Set<Long> mine = inFlightBy.get(seen.getKey());
        if (now - seen.getValue() <= window || (mine != null && !mine.isEmpty())) {
          consumers++;
        }
      }
      long checkpoint = checkpoint();
      long durable = Long.MAX_VALUE;
      for (int p = 0; p < PARTITIONS; p++) {
        durable = Math.min(durable, slices[p] != null ? slices[p].durableCheckpoint : elsewhere[p]);
      }
      return new GroupStatus(
          definition,
          checkpoint,
          Math.min(durable, checkpoint),
          Math.max(0, head + 1 - checkpoint),
          lagSeconds(),
          inFlight,
          parked.size(),
          consumers,
          delivered,
          redeliveries);
    } finally {
      exit();
    }
  }
}
