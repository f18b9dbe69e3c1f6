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
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The live state of one consumer group in this process: which events of its source are buffered,
 * which are in flight to which consumer, which are done, and what of that is durable, per partition
 * of the group that this process owns.
 *
 * <p>A group's streams fall into {@value GroupCodec#PARTITIONS} partitions (a stable hash of the
 * stream name). Each partition this process owns is a {@link Slice}: its own read cursor, buffer,
 * done set and checkpoint record. On a storage of one process (RocksDB, in memory) the runtime owns
 * every partition for good; on a shared one {@link GroupLeases} gains and loses partitions as their
 * leases come and go, and every write of a partition's state carries a fence (a guard on the
 * partition's lease: this process, this epoch), so a process that lost a lease can never move its
 * checkpoint or ack its events.
 *
 * <p>What must stay true (everything below holds under this object's monitor):
 *
 * <ul>
 *   <li><b>Stream order.</b> An event is handed out only if no earlier event of its stream is
 *       outstanding (buffered and not done): {@link #take} hands out the first outstanding event of
 *       each stream only, so at most one event per stream is in flight, to one consumer. A stream
 *       lives in one partition, and a partition in one process at a time.
 *   <li><b>The checkpoint</b> of a partition is its first outstanding position, or its read cursor
 *       when nothing is outstanding; the group's is the least over all partitions (those owned
 *       elsewhere count with their durable checkpoint). Events leave {@code outstanding} only by
 *       being done, and cursors only grow, so it never moves back. A replayed parked event is
 *       delivered from {@code replays} and never touches it.
 *   <li><b>Durability</b> goes through store records only, written by the single writer: a
 *       partition's checkpoint record (compare-and-set on its version), a {@code done/P} record for
 *       each done event above it, a {@code parked/P} record per parked event. A plain ack is in
 *       memory until the next {@link #flushWrites flush}; an ack-append writes its {@code done/P}
 *       records in the commit of its events, guarded so a position is acked at most once ({@link
 *       #beginAckAppend}).
 *   <li>A partition that is draining (about to be released) hands nothing out; one whose lease may
 *       have run out (not renewed in time) hands nothing out either.
 *   <li>Nothing here blocks on the writer while holding the monitor: writes are submitted and their
 *       completions re-enter the monitor from the writer's completion thread.
 * </ul>
 */
final class GroupRuntime {
  private enum State {
    READY,
    IN_FLIGHT,
    BACKOFF,
    COMMITTING
  }

  private static final class Pending {
    final RecordedEvent event;
    final boolean replay;
    final Slice slice; // null for a replay
    int attempts;
    State state = State.READY;
    String consumer;
    long deadline;
    long readyAt;

    Pending(RecordedEvent event, boolean replay, int attempts, Slice slice) {
      this.event = event;
      this.replay = replay;
      this.attempts = attempts;
      this.slice = slice;
    }

    long position() {
      return event.position();
    }
  }

  /** One partition while this process owns it. */
  private static final class Slice {
    final int partition;
    final long epoch;
    final boolean leased;
    final TreeMap<Long, Pending> outstanding = new TreeMap<>();
    final TreeSet<Long> doneAbove = new TreeSet<>();
    final Set<Long> durableDone = new HashSet<>();
    long readCursor;
    long durableCheckpoint;
    long checkpointVersion;
    long validUntil;
    boolean dirty;
    boolean flushing;
    boolean draining;

    Slice(int partition, long epoch, boolean leased) {
      this.partition = partition;
      this.epoch = epoch;
      this.leased = leased;
    }

    long checkpoint() {
      return outstanding.isEmpty() ? readCursor : outstanding.firstKey();
    }

    void prune() {
      doneAbove.headSet(checkpoint()).clear();
    }
  }

  /** How the runtime writes records: the store's writer, with a guard. */
  interface Writes {
    CompletableFuture<Object> submit(List<RecordWrite> writes, RecordGuard guard);
  }

  /** The guard that a partition's writes carry: its lease is still this process's, this epoch. */
  interface Fence {
    Fence NONE = (partition, epoch) -> RecordGuard.NONE;

    RecordGuard guard(int partition, long epoch);
  }

  static final int BUFFER = 2_000;
  private static final int PARTITIONS = GroupCodec.PARTITIONS;

  private final UUID incarnation;
  private final String namespace;
  private final String parts;
  private final Writes writes;
  private final Fence fence;
  private final LongSupplier clock;
  private GroupDefinition definition;
  private long definitionVersion;

  private final Slice[] slices = new Slice[PARTITIONS];
  private final long[] elsewhere = new long[PARTITIONS];
  private final TreeMap<Long, Pending> outstanding = new TreeMap<>();
  private final Set<Long> legacyDone = new HashSet<>();
  private final TreeMap<Long, Pending> replays = new TreeMap<>();
  private final TreeMap<Long, ParkedEvent> parked = new TreeMap<>();
  private final Map<String, Set<Long>> inFlightBy = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();

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
    this.writes = writes;
    this.fence = fence;
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

  String name() {
    return definition.name();
  }

  synchronized GroupDefinition definition() {
    return definition;
  }

  synchronized long definitionVersion() {
    return definitionVersion;
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

  synchronized void redefined(GroupDefinition updated, long version) {
    definition = updated;
    definitionVersion = version;
    notifyAll();
  }

  /** The group was deleted, or the store is closing: every waiting and later call fails. */
  synchronized void stop(FactumException why) {
    if (stopped == null) {
      stopped = why;
    }
    notifyAll();
  }

  synchronized boolean isStopped() {
    return stopped != null;
  }

  private void checkRunning() {
    if (stopped != null) {
      throw stopped instanceof GroupNotFoundException gone
          ? new GroupNotFoundException(gone.getMessage())
          : stopped;
    }
  }

  /** The group's checkpoint as this process knows it; it never moves back. */
  synchronized long checkpoint() {
    long least = Long.MAX_VALUE;
    for (int p = 0; p < PARTITIONS; p++) {
      least = Math.min(least, slices[p] != null ? slices[p].checkpoint() : elsewhere[p]);
    }
    reported = Math.max(reported, least);
    return reported;
  }

  // ---- partitions
  // --------------------------------------------------------------------------------

  /**
   * Takes over partition {@code p} from its durable state: {@code state} is the group's namespace,
   * {@code partitionRecords} its partitions' namespace, both read after the lease was won.
   */
  synchronized void gain(
      int p,
      long epoch,
      boolean leased,
      long validUntil,
      List<StoreRecord> state,
      List<StoreRecord> partitionRecords) {
    if (slices[p] != null) {
      return;
    }
    Slice slice = new Slice(p, epoch, leased);
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
    slice.readCursor = checkpoint;
    slice.durableCheckpoint = checkpoint;
    slice.validUntil = validUntil;
    slices[p] = slice;
    notifyAll();
  }

  /** Partition {@code p} is no longer this process's: its events here are forgotten. */
  synchronized void lose(int p) {
    Slice slice = slices[p];
    if (slice == null) {
      return;
    }
    slices[p] = null;
    elsewhere[p] = Math.max(elsewhere[p], slice.durableCheckpoint);
    for (Pending pending : slice.outstanding.values()) {
      release(pending);
      outstanding.remove(pending.position());
    }
    notifyAll();
  }

  /** The epoch this process holds partition {@code p} with, or -1. */
  synchronized long epochOf(int p) {
    return slices[p] == null ? -1 : slices[p].epoch;
  }

  synchronized int owned() {
    int count = 0;
    for (Slice slice : slices) {
      if (slice != null) {
        count++;
      }
    }
    return count;
  }

  /** The durable checkpoint of a partition owned elsewhere, as last read. */
  synchronized void elsewhere(int p, long checkpoint) {
    if (slices[p] == null) {
      elsewhere[p] = Math.max(elsewhere[p], checkpoint);
    }
  }

  synchronized void renewed(int p, long epoch, long validUntil) {
    Slice slice = slices[p];
    if (slice != null && slice.epoch == epoch) {
      slice.validUntil = validUntil;
      notifyAll();
    }
  }

  synchronized void draining(int p, boolean draining) {
    if (slices[p] != null) {
      slices[p].draining = draining;
    }
  }

  /**
   * When partition {@code p} is draining with nothing in flight and no flush under way: detaches it
   * and returns the writes of its last checkpoint, to commit with the lease's release; else null.
   */
  synchronized Flush detachDrained(int p) {
    return detach(p, false);
  }

  /**
   * Detaches partition {@code p} as {@link #detachDrained} does; with {@code force} (the store is
   * closing) whatever is in flight: those deliveries are simply never acked here.
   */
  synchronized Flush detach(int p, boolean force) {
    Slice slice = slices[p];
    if (slice == null || (!force && (!slice.draining || slice.flushing))) {
      return null;
    }
    for (Pending pending : slice.outstanding.values()) {
      if (!force && (pending.state == State.IN_FLIGHT || pending.state == State.COMMITTING)) {
        return null;
      }
    }
    Flush flush = flush(slice);
    lose(p);
    elsewhere[p] = Math.max(elsewhere[p], flush.checkpoint());
    return flush;
  }

  /** Whether a consumer of this process used the group within {@code window} nanos. */
  synchronized boolean hasConsumers(long now, long window) {
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
  }

  private static boolean usable(Slice slice, long now) {
    return !slice.draining && (!slice.leased || slice.validUntil - now > 0);
  }

  private boolean current(Slice slice) {
    return slice != null && slices[slice.partition] == slice;
  }

  // ---- reading the source ----------------------------------------------------------------------

  /**
   * Where the next read of the source starts, or -1 when the buffer is full or nothing is owned.
   */
  synchronized long wantsRead() {
    if (stopped != null || outstanding.size() >= BUFFER) {
      return -1;
    }
    long least = -1;
    for (Slice slice : slices) {
      if (slice != null && (least < 0 || slice.readCursor < least)) {
        least = slice.readCursor;
      }
    }
    return least;
  }

  /**
   * Takes in a page read from {@code from} (every event of the source from {@code from} up to
   * {@code next}): each owned partition whose cursor lies in that range takes its own events.
   */
  synchronized void read(long from, List<RecordedEvent> events, long next) {
    if (stopped != null) {
      return;
    }
    Slice[] taking = new Slice[PARTITIONS];
    boolean any = false;
    for (Slice slice : slices) {
      if (slice != null && slice.readCursor >= from && slice.readCursor < next) {
        taking[slice.partition] = slice;
        any = true;
      }
    }
    if (!any) {
      return;
    }
    for (RecordedEvent event : events) {
      Slice slice = taking[GroupCodec.partitionOf(event.stream())];
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
      if (definition.source().isStream() && !event.stream().equals(definition.source().stream())) {
        continue;
      }
      Pending pending = new Pending(event, false, 0, slice);
      slice.outstanding.put(position, pending);
      outstanding.put(position, pending);
    }
    for (Slice slice : taking) {
      if (slice != null) {
        long before = slice.checkpoint();
        slice.readCursor = next;
        slice.prune();
        slice.dirty |= slice.checkpoint() != before;
      }
    }
    notifyAll();
  }

  // ---- handing out -----------------------------------------------------------------------------

  /** Up to {@code max} deliveries for {@code consumer} now (possibly none). */
  synchronized List<Delivery> take(String consumer, int max, long now) {
    checkRunning();
    lastSeen.put(consumer, now);
    Set<Long> mine = inFlightBy.computeIfAbsent(consumer, c -> new HashSet<>());
    int room = Math.min(max, definition.settings().maxInFlight() - mine.size());
    List<Delivery> out = new ArrayList<>();
    for (Pending pending : replays.values()) {
      if (out.size() >= room) {
        return out;
      }
      if (isReady(pending, now)) {
        out.add(hand(pending, consumer, mine, now));
      }
    }
    Set<String> blocked = new HashSet<>();
    for (Pending pending : outstanding.values()) {
      if (out.size() >= room) {
        break;
      }
      if (blocked.add(pending.event.stream())
          && usable(pending.slice, now)
          && isReady(pending, now)) {
        out.add(hand(pending, consumer, mine, now));
      }
    }
    return out;
  }

  private static boolean isReady(Pending pending, long now) {
    return pending.state == State.READY
        || (pending.state == State.BACKOFF && pending.readyAt - now <= 0);
  }

  private Delivery hand(Pending pending, String consumer, Set<Long> mine, long now) {
    pending.state = State.IN_FLIGHT;
    pending.consumer = consumer;
    pending.attempts++;
    pending.deadline = now + definition.settings().ackTimeout().toNanos();
    mine.add(pending.position());
    delivered++;
    if (pending.attempts > 1) {
      redeliveries++;
    }
    return new Delivery(pending.event, pending.attempts, pending.replay);
  }

  /**
   * A long poll: {@link #take}, waiting up to {@code deadline} (clock nanos) for at least one
   * delivery. Waits are bounded (50 ms) because backoffs and timeouts end without a signal.
   */
  synchronized List<Delivery> poll(String consumer, int max, long deadline)
      throws InterruptedException {
    List<Delivery> taken = take(consumer, max, clock.getAsLong());
    while (taken.isEmpty()) {
      long left = deadline - clock.getAsLong();
      if (left <= 0) {
        break;
      }
      wait(Math.max(1, Math.min(left / 1_000_000, 50)));
      taken = take(consumer, max, clock.getAsLong());
    }
    return taken;
  }

  /** Waits until everything at or below {@code position} is done, or {@code deadline} passes. */
  synchronized boolean awaitProcessed(long position, long deadline) throws InterruptedException {
    while (checkpoint() <= position) {
      checkRunning();
      long left = deadline - clock.getAsLong();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, Math.min(left / 1_000_000, 50)));
    }
    return true;
  }

  // ---- acks, nacks, parks ----------------------------------------------------------------------

  private Pending delivered(String consumer, long position) {
    checkRunning();
    Pending pending = outstanding.get(position);
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
  synchronized CompletableFuture<Object> ack(String consumer, long position) {
    Pending pending = delivered(consumer, position);
    lastSeen.put(consumer, clock.getAsLong());
    if (!pending.replay) {
      done(pending, false);
      return CompletableFuture.completedFuture(null);
    }
    pending.state = State.COMMITTING;
    return persist(
        List.of(
            RecordWrite.delete(
                namespace, GroupCodec.positionKey(GroupCodec.PARKED, position), RecordWrite.ANY)),
        existsGuard(),
        written -> {
          parked.remove(position);
          replays.remove(position);
          release(pending);
        },
        pending);
  }

  synchronized CompletableFuture<Object> nack(String consumer, long position, String reason) {
    Pending pending = delivered(consumer, position);
    lastSeen.put(consumer, clock.getAsLong());
    return failed(pending, GroupCodec.reason(reason), clock.getAsLong());
  }

  synchronized CompletableFuture<Object> park(String consumer, long position, String reason) {
    Pending pending = delivered(consumer, position);
    lastSeen.put(consumer, clock.getAsLong());
    return park(pending, GroupCodec.reason(reason));
  }

  /** A failed attempt: back off and retry, or park after the last one. */
  private CompletableFuture<Object> failed(Pending pending, String reason, long now) {
    release(pending);
    if (pending.attempts > definition.settings().maxRetries()) {
      return park(pending, reason);
    }
    pending.state = State.BACKOFF;
    pending.readyAt = now + definition.settings().retryBackoff().toNanos() * pending.attempts;
    notifyAll();
    return CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Object> park(Pending pending, String reason) {
    release(pending);
    pending.state = State.COMMITTING;
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
   * monitor, on failure puts {@code pending} back to be handed out again.
   */
  private CompletableFuture<Object> persist(
      List<RecordWrite> recordWrites,
      RecordGuard guard,
      Consumer<Object> applied,
      Pending pending) {
    CompletableFuture<Object> written = writes.submit(recordWrites, guard);
    return written.whenComplete(
        (result, failure) -> {
          synchronized (this) {
            if (failure == null) {
              applied.accept(result);
            } else if (pending.state == State.COMMITTING) {
              pending.state = State.BACKOFF;
              pending.readyAt = clock.getAsLong() + definition.settings().retryBackoff().toNanos();
            }
            notifyAll();
          }
        });
  }

  private void release(Pending pending) {
    if (pending.consumer != null) {
      Set<Long> mine = inFlightBy.get(pending.consumer);
      if (mine != null) {
        mine.remove(pending.position());
      }
      pending.consumer = null;
    }
  }

  private void done(Pending pending, boolean durable) {
    release(pending);
    Slice slice = pending.slice;
    if (!current(slice) || slice.outstanding.get(pending.position()) != pending) {
      return; // its partition moved away meanwhile
    }
    slice.outstanding.remove(pending.position());
    outstanding.remove(pending.position());
    slice.doneAbove.add(pending.position());
    if (durable) {
      slice.durableDone.add(pending.position());
    }
    slice.prune();
    slice.dirty = true;
    notifyAll();
  }

  /** The consumer leaves: its in-flight events are handed out again at once. */
  synchronized void leave(String consumer) {
    checkRunning();
    Set<Long> mine = inFlightBy.remove(consumer);
    lastSeen.remove(consumer);
    if (mine == null) {
      return;
    }
    for (long position : mine) {
      Pending pending = outstanding.get(position);
      if (pending == null) {
        pending = replays.get(position);
      }
      if (pending != null && pending.state == State.IN_FLIGHT) {
        pending.state = State.READY;
        pending.consumer = null;
      }
    }
    notifyAll();
  }

  /** Deliveries past their ack timeout count as failed attempts. */
  synchronized void expire(long now) {
    if (stopped != null) {
      return;
    }
    List<Pending> late = new ArrayList<>();
    for (Pending pending : outstanding.values()) {
      if (pending.state == State.IN_FLIGHT && pending.deadline - now <= 0) {
        late.add(pending);
      }
    }
    for (Pending pending : replays.values()) {
      if (pending.state == State.IN_FLIGHT && pending.deadline - now <= 0) {
        late.add(pending);
      }
    }
    for (Pending pending : late) {
      // a park it leads to completes (or fails back to a retry) by itself
      CompletableFuture<Object> unused = failed(pending, "ack timeout", now);
    }
  }

  // ---- exactly-once acks with an append --------------------------------------------------------

  /** The record writes of an ack-append and the writer's check that goes with them. */
  record AckAppend(List<RecordWrite> writes, RecordGuard guard) {}

  /**
   * Marks {@code positions} as committing and returns the writes and guard of their ack-append;
   * {@link #ackAppended} ends it.
   *
   * <p>The guard is the writer's check: the group still exists (same incarnation), this process
   * still holds each position's partition (same epoch), and no position is below its partition's
   * durable checkpoint, acked already, or parked. It reads only records, so it is exact whatever
   * this process believes, also after an unknown outcome.
   */
  synchronized AckAppend beginAckAppend(String consumer, List<Long> positions) {
    Set<Long> distinct = new HashSet<>(positions);
    if (distinct.size() != positions.size()) {
      throw new InvalidArgumentException("a position is acked twice");
    }
    List<Pending> found = new ArrayList<>();
    for (long position : positions) {
      Pending pending = delivered(consumer, position);
      if (pending.replay) {
        throw new InvalidArgumentException(
            "a replayed parked event is acked with a plain ack, not with an append");
      }
      found.add(pending);
    }
    List<RecordWrite> out = new ArrayList<>();
    List<RecordGuard> fences = new ArrayList<>();
    Map<Long, Integer> partitionOf = new HashMap<>();
    for (Pending pending : found) {
      pending.state = State.COMMITTING;
      int p = pending.slice.partition;
      partitionOf.put(pending.position(), p);
      fences.add(fence.guard(p, pending.slice.epoch));
      out.add(
          RecordWrite.put(
              namespace,
              GroupCodec.positionKey(GroupCodec.DONE, pending.position()),
              GroupCodec.done(p),
              RecordWrite.ANY));
    }
    lastSeen.put(consumer, clock.getAsLong());
    RecordGuard exists = existsGuard();
    String group = name();
    RecordGuard guard =
        view -> {
          exists.check(view);
          for (RecordGuard held : fences) {
            try {
              held.check(view);
            } catch (RecordConflictException lost) {
              throw new NotDeliveredException(
                  "group '" + group + "': " + lost.getMessage() + "; nothing was written");
            }
          }
          StoreRecord base = view.read(namespace, GroupCodec.CHECKPOINT);
          for (long position : positions) {
            StoreRecord own =
                view.read(
                    parts,
                    GroupCodec.partitionKey(
                        GroupCodec.PARTITION_CHECKPOINT, partitionOf.get(position)));
            StoreRecord checkpoint = own != null ? own : base;
            long durable = checkpoint == null ? 0 : GroupCodec.checkpoint(checkpoint.value());
            if (position < durable
                || view.read(namespace, GroupCodec.positionKey(GroupCodec.DONE, position)) != null
                || view.read(namespace, GroupCodec.positionKey(GroupCodec.PARKED, position))
                    != null) {
              throw new NotDeliveredException(
                  "the event at position "
                      + position
                      + " of group '"
                      + group
                      + "' is already acked or parked; nothing was written");
            }
          }
        };
    return new AckAppend(out, guard);
  }

  synchronized void ackAppended(List<Long> positions, Throwable failure) {
    for (long position : positions) {
      Pending pending = outstanding.get(position);
      if (pending == null || pending.state != State.COMMITTING) {
        continue;
      }
      if (failure == null) {
        done(pending, true);
      } else if (failure instanceof NotDeliveredException) {
        done(pending, true); // acked durably by someone else (e.g. before an unknown outcome)
      } else {
        pending.state = State.IN_FLIGHT; // still the consumer's: it may retry or nack
      }
    }
    notifyAll();
  }

  /** The group's existence as the writer sees it: its definition, of this incarnation. */
  RecordGuard existsGuard() {
    String group = name();
    UUID mine = incarnation;
    return view -> {
      StoreRecord stored = view.read(GroupCodec.DEFINITIONS, group);
      if (stored == null || !GroupCodec.definition(stored.value()).incarnation().equals(mine)) {
        throw new GroupNotFoundException("consumer group '" + group + "' does not exist");
      }
    };
  }

  // ---- parked events ---------------------------------------------------------------------------

  synchronized List<ParkedEvent> parked() {
    checkRunning();
    return List.copyOf(parked.values());
  }

  /**
   * On a shared storage: the parked events as the records hold them (parks by other servers
   * included); those being replayed here stay listed until their ack.
   */
  synchronized void parkedFromRecords(List<StoreRecord> state) {
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

  /** Hands a parked event out again (read by the caller, outside the monitor). */
  synchronized void replay(long position, RecordedEvent event) {
    parkedAt(position);
    replays.put(position, new Pending(event, true, 0, null)); // a fresh set of attempts
    notifyAll();
  }

  synchronized void checkParked(long position) {
    parkedAt(position);
  }

  synchronized CompletableFuture<Object> skip(long position) {
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
              synchronized (this) {
                if (failure == null) {
                  parked.remove(position);
                }
              }
            });
  }

  // ---- flushing the checkpoints ----------------------------------------------------------------

  /**
   * The writes that make the current checkpoints durable, one per owned partition that changed (all
   * when {@code force}), skipping partitions with a flush under way: its checkpoint
   * (compare-and-set on the version this process last wrote), a {@code done/P} record for each done
   * event above it not yet durable, and the deletion of {@code done/P} records it passed; with the
   * partition's fence.
   */
  synchronized List<Flush> flushWrites(boolean force) {
    if (stopped != null) {
      return List.of();
    }
    List<Flush> out = new ArrayList<>();
    for (Slice slice : slices) {
      if (slice != null && !slice.flushing && (slice.dirty || force)) {
        out.add(flush(slice));
      }
    }
    return out;
  }

  private Flush flush(Slice slice) {
    long checkpoint = slice.checkpoint();
    int p = slice.partition;
    List<RecordWrite> out = new ArrayList<>();
    out.add(
        RecordWrite.put(
            parts,
            GroupCodec.partitionKey(GroupCodec.PARTITION_CHECKPOINT, p),
            GroupCodec.checkpoint(checkpoint),
            slice.checkpointVersion));
    List<Long> added = new ArrayList<>();
    for (long position : slice.doneAbove) {
      if (!slice.durableDone.contains(position) && !legacyDone.contains(position)) {
        added.add(position);
        out.add(
            RecordWrite.put(
                namespace,
                GroupCodec.positionKey(GroupCodec.DONE, position),
                GroupCodec.done(p),
                RecordWrite.ANY));
      }
    }
    List<Long> removed = new ArrayList<>();
    for (long position : slice.durableDone) {
      if (position < checkpoint) {
        removed.add(position);
        out.add(
            RecordWrite.delete(
                namespace, GroupCodec.positionKey(GroupCodec.DONE, position), RecordWrite.ANY));
      }
    }
    slice.flushing = true;
    slice.dirty = false;
    return new Flush(
        slice, checkpoint, out, both(existsGuard(), fence.guard(p, slice.epoch)), added, removed);
  }

  /** One partition's checkpoint write. */
  static final class Flush {
    private final Slice slice;
    private final long checkpoint;
    private final List<RecordWrite> writes;
    private final RecordGuard guard;
    private final List<Long> added;
    private final List<Long> removed;

    private Flush(
        Slice slice,
        long checkpoint,
        List<RecordWrite> writes,
        RecordGuard guard,
        List<Long> added,
        List<Long> removed) {
      this.slice = slice;
      this.checkpoint = checkpoint;
      this.writes = writes;
      this.guard = guard;
      this.added = added;
      this.removed = removed;
    }

    long checkpoint() {
      return checkpoint;
    }

    List<RecordWrite> writes() {
      return writes;
    }

    RecordGuard guard() {
      return guard;
    }
  }

  synchronized void flushed(Flush flush, Object result, Throwable failure) {
    Slice slice = flush.slice;
    slice.flushing = false;
    if (!current(slice)) {
      return; // released or lost meanwhile
    }
    if (failure == null) {
      @SuppressWarnings("unchecked")
      List<Long> versions = (List<Long>) result;
      slice.checkpointVersion = versions.getFirst();
      slice.durableCheckpoint = Math.max(slice.durableCheckpoint, flush.checkpoint);
      slice.durableDone.addAll(flush.added);
      flush.removed.forEach(slice.durableDone::remove);
    } else if (failure instanceof RecordConflictException conflict) {
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
    } else if (!(failure instanceof StoreClosedException)) {
      slice.dirty = true; // try again with the next flush
    }
    notifyAll();
  }

  // ---- status ----------------------------------------------------------------------------------

  /** The age of the oldest outstanding event held here, by the wall clock against commit time. */
  private double lagSeconds() {
    if (outstanding.isEmpty()) {
      return 0;
    }
    Instant oldest = outstanding.firstEntry().getValue().event.timestamp();
    long micros = ChronoUnit.MICROS.between(oldest, Instant.now());
    return Math.max(0, micros) / 1e6;
  }

  synchronized GroupStatus status(long head, long now) {
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
  }
}
