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
import java.util.ArrayList;
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
 * which are in flight to which consumer, which are done, and what of that is durable.
 *
 * <p>What must stay true (everything below holds under this object's monitor):
 *
 * <ul>
 *   <li><b>Stream order.</b> An event is handed out only if no earlier event of its stream is
 *       outstanding (buffered and not done): {@link #take} hands out the first outstanding event of
 *       each stream only, so at most one event per stream is in flight, to one consumer.
 *   <li><b>The checkpoint</b> is the first outstanding position, or the read cursor when nothing is
 *       outstanding: every event of the source below it is acked or parked. Events leave {@code
 *       outstanding} only by being done, and the cursor only grows, so it never moves back. A
 *       replayed parked event is delivered from {@code replays} and never touches it.
 *   <li><b>Durability</b> goes through store records only, written by the single writer: the
 *       checkpoint record (written compare-and-set on its version, so a second process running the
 *       same group is detected and the group stops here), a {@code done/P} record for each done
 *       event above the durable checkpoint, a {@code parked/P} record per parked event. A plain ack
 *       is in memory until the next {@link #flushWrites flush}; an ack-append writes its {@code
 *       done/P} records in the commit of its events, guarded so a position is acked at most once
 *       ({@link #ackGuard}).
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
    int attempts;
    State state = State.READY;
    String consumer;
    long deadline;
    long readyAt;

    Pending(RecordedEvent event, boolean replay, int attempts) {
      this.event = event;
      this.replay = replay;
      this.attempts = attempts;
    }

    long position() {
      return event.position();
    }
  }

  /** How the runtime writes records: the store's writer, with a guard. */
  interface Writes {
    CompletableFuture<Object> submit(List<RecordWrite> writes, RecordGuard guard);
  }

  static final int BUFFER = 2_000;

  private final UUID incarnation;
  private final String namespace;
  private final Writes writes;
  private final LongSupplier clock;
  private GroupDefinition definition;
  private long definitionVersion;

  private long readCursor;
  private final TreeMap<Long, Pending> outstanding = new TreeMap<>();
  private final TreeMap<Long, Pending> replays = new TreeMap<>();
  private final TreeSet<Long> doneAbove = new TreeSet<>();
  private final Set<Long> durableDone = new HashSet<>();
  private final TreeMap<Long, ParkedEvent> parked = new TreeMap<>();
  private final Map<String, Set<Long>> inFlightBy = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();

  private long durableCheckpoint;
  private long checkpointVersion;
  private boolean dirty;
  private boolean flushing;
  private FactumException stopped;
  private long delivered;
  private long redeliveries;

  GroupRuntime(
      GroupCodec.Stored stored,
      long definitionVersion,
      List<StoreRecord> state,
      Writes writes,
      LongSupplier clock) {
    this.incarnation = stored.incarnation();
    this.namespace = stored.namespace();
    this.definition = stored.definition();
    this.definitionVersion = definitionVersion;
    this.writes = writes;
    this.clock = clock;
    long checkpoint = stored.definition().start().position();
    for (StoreRecord record : state) {
      if (record.key().equals(GroupCodec.CHECKPOINT)) {
        checkpoint = GroupCodec.checkpoint(record.value());
        checkpointVersion = record.version();
      }
    }
    for (StoreRecord record : state) {
      if (record.key().startsWith(GroupCodec.DONE)) {
        long position = GroupCodec.positionOf(GroupCodec.DONE, record.key());
        durableDone.add(position);
        if (position >= checkpoint) {
          doneAbove.add(position);
        }
      } else if (record.key().startsWith(GroupCodec.PARKED)) {
        long position = GroupCodec.positionOf(GroupCodec.PARKED, record.key());
        parked.put(position, GroupCodec.parked(position, record.value()));
        if (position >= checkpoint) {
          doneAbove.add(position);
        }
      }
    }
    this.readCursor = checkpoint;
    this.durableCheckpoint = checkpoint;
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

  private void checkRunning() {
    if (stopped != null) {
      throw stopped instanceof GroupNotFoundException gone
          ? new GroupNotFoundException(gone.getMessage())
          : stopped;
    }
  }

  synchronized long checkpoint() {
    return outstanding.isEmpty() ? readCursor : outstanding.firstKey();
  }

  // ---- reading the source ----------------------------------------------------------------------

  /** Where the next read of the source starts, or -1 when the buffer is full. */
  synchronized long wantsRead() {
    return stopped == null && outstanding.size() < BUFFER ? readCursor : -1;
  }

  /** Takes in a page read from {@code from}; ignored if another read got there first. */
  synchronized void read(long from, List<RecordedEvent> events, long next) {
    if (from != readCursor || stopped != null) {
      return;
    }
    for (RecordedEvent event : events) {
      long position = event.position();
      if (doneAbove.contains(position)) {
        continue; // done before a restart
      }
      if (definition.source().isStream() && !event.stream().equals(definition.source().stream())) {
        continue;
      }
      outstanding.put(position, new Pending(event, false, 0));
    }
    readCursor = Math.max(readCursor, next);
    pruneDone();
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
      if (blocked.add(pending.event.stream()) && isReady(pending, now)) {
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
              + "' now (never delivered to it, already acked or parked, or handed to another"
              + " consumer after a timeout)");
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
    return persist(
        List.of(
            RecordWrite.put(
                namespace,
                GroupCodec.positionKey(GroupCodec.PARKED, pending.position()),
                GroupCodec.parked(entry),
                RecordWrite.ANY)),
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

  /**
   * Submits {@code recordWrites} guarded by this group's existence; on success runs {@code applied}
   * under the monitor, on failure puts {@code pending} back to be handed out again.
   */
  private CompletableFuture<Object> persist(
      List<RecordWrite> recordWrites, Consumer<Object> applied, Pending pending) {
    CompletableFuture<Object> written = writes.submit(recordWrites, existsGuard());
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
    outstanding.remove(pending.position());
    doneAbove.add(pending.position());
    if (durable) {
      durableDone.add(pending.position());
    }
    pruneDone();
    dirty = true;
    notifyAll();
  }

  private void pruneDone() {
    long checkpoint = checkpoint();
    doneAbove.headSet(checkpoint).clear();
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

  /**
   * Marks {@code positions} as committing and returns the writes and guard of their ack-append;
   * {@link #ackAppended} ends it.
   */
  synchronized List<RecordWrite> beginAckAppend(String consumer, List<Long> positions) {
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
    for (Pending pending : found) {
      pending.state = State.COMMITTING;
      out.add(
          RecordWrite.put(
              namespace,
              GroupCodec.positionKey(GroupCodec.DONE, pending.position()),
              GroupCodec.done(),
              RecordWrite.ANY));
    }
    lastSeen.put(consumer, clock.getAsLong());
    return out;
  }

  /**
   * The writer's check for an ack-append: the group still exists (same incarnation), and no
   * position is below the durable checkpoint, acked already, or parked. It reads only records, so
   * it is exact whatever this process believes, also after an unknown outcome.
   */
  RecordGuard ackGuard(List<Long> positions) {
    RecordGuard exists = existsGuard();
    String group = name();
    return view -> {
      exists.check(view);
      StoreRecord checkpoint = view.read(namespace, GroupCodec.CHECKPOINT);
      long durable = checkpoint == null ? 0 : GroupCodec.checkpoint(checkpoint.value());
      for (long position : positions) {
        if (position < durable
            || view.read(namespace, GroupCodec.positionKey(GroupCodec.DONE, position)) != null
            || view.read(namespace, GroupCodec.positionKey(GroupCodec.PARKED, position)) != null) {
          throw new NotDeliveredException(
              "the event at position "
                  + position
                  + " of group '"
                  + group
                  + "' is already acked or parked; nothing was written");
        }
      }
    };
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
    replays.put(position, new Pending(event, true, 0)); // a fresh set of attempts
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

  // ---- flushing the checkpoint -----------------------------------------------------------------

  /**
   * The writes that make the current checkpoint durable, or null when there is nothing to do or a
   * flush is under way: the checkpoint (compare-and-set on the version this process last wrote), a
   * {@code done/P} record for each done event above it not yet durable, and the deletion of {@code
   * done/P} records it passed.
   */
  synchronized Flush flushWrites(boolean force) {
    if (flushing || stopped != null || (!dirty && !force)) {
      return null;
    }
    long checkpoint = checkpoint();
    List<RecordWrite> out = new ArrayList<>();
    out.add(
        RecordWrite.put(
            namespace,
            GroupCodec.CHECKPOINT,
            GroupCodec.checkpoint(checkpoint),
            checkpointVersion));
    List<Long> added = new ArrayList<>();
    for (long position : doneAbove) {
      if (!durableDone.contains(position)) {
        added.add(position);
        out.add(
            RecordWrite.put(
                namespace,
                GroupCodec.positionKey(GroupCodec.DONE, position),
                GroupCodec.done(),
                RecordWrite.ANY));
      }
    }
    List<Long> removed = new ArrayList<>();
    for (long position : durableDone) {
      if (position < checkpoint) {
        removed.add(position);
        out.add(
            RecordWrite.delete(
                namespace, GroupCodec.positionKey(GroupCodec.DONE, position), RecordWrite.ANY));
      }
    }
    flushing = true;
    dirty = false;
    return new Flush(checkpoint, out, added, removed);
  }

  record Flush(long checkpoint, List<RecordWrite> writes, List<Long> added, List<Long> removed) {}

  synchronized void flushed(Flush flush, Object result, Throwable failure) {
    flushing = false;
    if (failure == null) {
      @SuppressWarnings("unchecked")
      List<Long> versions = (List<Long>) result;
      checkpointVersion = versions.getFirst();
      durableCheckpoint = Math.max(durableCheckpoint, flush.checkpoint());
      durableDone.addAll(flush.added());
      flush.removed().forEach(durableDone::remove);
    } else if (failure instanceof RecordConflictException conflict) {
      stopped =
          new RecordConflictException(
              "consumer group '"
                  + name()
                  + "' stopped in this process: its checkpoint was written by another process"
                  + " sharing this storage (a group runs in one server at a time; multi-server"
                  + " groups are not supported yet)",
              conflict);
    } else if (failure instanceof GroupNotFoundException gone) {
      stopped = gone;
    } else if (!(failure instanceof StoreClosedException)) {
      dirty = true; // try again with the next flush
    }
    notifyAll();
  }

  synchronized boolean flushPending() {
    return flushing;
  }

  // ---- status ----------------------------------------------------------------------------------

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
    return new GroupStatus(
        definition,
        checkpoint,
        durableCheckpoint,
        Math.max(0, head + 1 - checkpoint),
        inFlight,
        parked.size(),
        consumers,
        delivered,
        redeliveries);
  }
}
