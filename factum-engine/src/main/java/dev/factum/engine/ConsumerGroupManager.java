package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.FactumException;
import dev.factum.api.GroupExistsException;
import dev.factum.api.GroupNotFoundException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StoreClosedException;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.engine.spi.StoreRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The consumer groups of one store: the registry of {@link GroupRuntime}s, the checks on every
 * call, and one thread that feeds every group from the log, times deliveries out and flushes
 * checkpoints.
 *
 * <p>Design note: a group is the engine's one durable-consumer mechanism (a named cursor over a
 * filtered log whose state lives in store records written by the single writer); everything
 * particular to delivery is in {@link GroupRuntime}. Definitions are loaded once, at open. The
 * feeder thread reads each group's source page by page into its buffer, wakes on every new head,
 * when a group's buffer has room for a page again (or every {@value #TICK_MILLIS} ms, to time
 * deliveries out), and writes each group's checkpoint at most every {@value #FLUSH_MILLIS} ms: that
 * interval is the redelivery window of plain acks after a crash. Calls never block on the writer
 * while holding a group's lock.
 *
 * <p>Several processes sharing one storage (PostgreSQL): each group's partitions are owned through
 * leases ({@link GroupLeases}, one round per group every quarter of the lease time on the same
 * thread), and the definitions are read again as often, so a group created, changed or deleted on
 * one server is seen by the others within that time (a group asked for by name that is not known
 * here is looked up at once). On a storage of one process the runtime owns every partition for good
 * and none of this runs.
 */
final class ConsumerGroupManager implements ConsumerGroups {
  static final int TICK_MILLIS = 10;
  static final int FLUSH_MILLIS = 100;
  static final int PAGE = 500;
  private static final int MAX_NAME_BYTES = 200;
  private static final Duration MAX_WAIT = Duration.ofMinutes(5);

  private final FactumStore store;
  private final StoreRecords records;
  private final RequestValidator validator;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, GroupRuntime> groups = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<GroupRuntime, GroupLeases> leases = new ConcurrentHashMap<>();
  private final boolean shared;
  private final long leaseNanos;
  private final String processId = UUID.randomUUID().toString();
  private final Thread feeder;
  private volatile boolean closing;
  private long lastFlush;
  private long lastRefresh;

  /**
   * @param shared whether other processes share the storage (then partitions are leased)
   * @param lease how long a lease lasts unrenewed (see {@link GroupLeases})
   */
  ConsumerGroupManager(
      FactumStore store,
      StoreRecords records,
      RequestValidator validator,
      LongSupplier clock,
      boolean shared,
      Duration lease) {
    this.store = store;
    this.records = records;
    this.validator = validator;
    this.clock = clock;
    this.shared = shared;
    this.leaseNanos = lease.toNanos();
    for (StoreRecord stored : records.listAny(GroupCodec.DEFINITIONS)) {
      GroupCodec.Stored definition = GroupCodec.definition(stored.value());
      groups.put(stored.key(), runtime(definition, stored.version()));
    }
    this.feeder = Thread.ofPlatform().name("factum-groups").daemon(true).unstarted(this::feed);
  }

  void start() {
    feeder.start();
  }

  private GroupRuntime runtime(GroupCodec.Stored definition, long version) {
    List<StoreRecord> state = records.listAny(definition.namespace());
    List<StoreRecord> partitionRecords =
        records.listAny(GroupCodec.partsNamespaceOf(definition.incarnation()));
    String parts = GroupCodec.partsNamespaceOf(definition.incarnation());
    GroupRuntime runtime =
        new GroupRuntime(
            definition,
            version,
            GroupRuntime.base(definition, state),
            records::submit,
            shared ? GroupLeases.fence(parts, processId) : GroupRuntime.Fence.NONE,
            clock);
    runtime.onRoom(store::nudgeGroups);
    for (StoreRecord stored : partitionRecords) {
      if (stored.key().startsWith(GroupCodec.PARTITION_CHECKPOINT)) {
        runtime.elsewhere(
            GroupCodec.partitionOfKey(GroupCodec.PARTITION_CHECKPOINT, stored.key()),
            GroupCodec.checkpoint(stored.value()));
      }
    }
    if (shared) {
      leases.put(runtime, new GroupLeases(runtime, records, processId, leaseNanos, clock));
    } else {
      for (int p = 0; p < GroupCodec.PARTITIONS; p++) {
        runtime.gain(p, 0, false, 0, state, partitionRecords);
      }
    }
    return runtime;
  }

  /** Forgets a runtime that is gone (deleted, replaced); its partitions' leases run out. */
  private void forget(String name, GroupRuntime runtime, FactumException why) {
    if (groups.remove(name, runtime)) {
      leases.remove(runtime);
    }
    runtime.stop(why);
  }

  // ---- management ------------------------------------------------------------------------------

  @Override
  public GroupStatus create(GroupDefinition definition) {
    checkDefinition(definition);
    if (groups.containsKey(definition.name())) {
      throw exists(definition.name());
    }
    long start =
        definition.start().position() == GroupStart.END
            ? store.headPosition() + 1
            : definition.start().position();
    GroupCodec.Stored stored =
        new GroupCodec.Stored(UUID.randomUUID(), definition.startingAt(GroupStart.at(start)));
    List<Long> versions;
    try {
      versions =
          versions(
              records.submit(
                  List.of(
                      RecordWrite.put(
                          GroupCodec.DEFINITIONS,
                          definition.name(),
                          GroupCodec.definition(stored),
                          RecordWrite.ABSENT),
                      RecordWrite.put(
                          stored.namespace(),
                          GroupCodec.CHECKPOINT,
                          GroupCodec.checkpoint(start),
                          RecordWrite.ABSENT)),
                  RecordGuard.NONE));
    } catch (RecordConflictException taken) {
      throw exists(definition.name());
    }
    GroupRuntime runtime = runtime(stored, versions.getFirst());
    GroupRuntime known = groups.putIfAbsent(definition.name(), runtime);
    if (known != null) {
      leases.remove(runtime);
      if (!known.incarnation().equals(stored.incarnation())) {
        throw exists(definition.name());
      }
      runtime = known; // the definitions' refresh found it first
    }
    return runtime.status(store.headPosition(), clock.getAsLong());
  }

  @Override
  public GroupStatus update(String group, GroupSettings settings) {
    GroupRuntime runtime = group(group);
    checkSettings(settings);
    GroupDefinition updated = runtime.definition().with(settings);
    long expected = runtime.definitionVersion();
    List<Long> versions =
        versions(
            records.submit(
                List.of(
                    RecordWrite.put(
                        GroupCodec.DEFINITIONS,
                        group,
                        GroupCodec.definition(
                            new GroupCodec.Stored(runtime.incarnation(), updated)),
                        expected)),
                runtime.existsGuard()));
    runtime.redefined(updated, versions.getFirst());
    return runtime.status(store.headPosition(), clock.getAsLong());
  }

  @Override
  public void delete(String group) {
    GroupRuntime runtime = group(group);
    List<RecordWrite> deletes = new ArrayList<>();
    deletes.add(RecordWrite.delete(GroupCodec.DEFINITIONS, group, runtime.definitionVersion()));
    // Leftovers written after this listing sit in the incarnation's own namespace, which no later
    // group of this name ever reads.
    for (StoreRecord stored : records.listAny(runtime.namespace())) {
      deletes.add(RecordWrite.delete(stored.namespace(), stored.key(), RecordWrite.ANY));
    }
    for (StoreRecord stored : records.listAny(runtime.partsNamespace())) {
      deletes.add(RecordWrite.delete(stored.namespace(), stored.key(), RecordWrite.ANY));
    }
    join(records.submit(deletes, runtime.existsGuard()));
    forget(group, runtime, notFound(group));
  }

  @Override
  public GroupStatus status(String group) {
    return group(group).status(store.headPosition(), clock.getAsLong());
  }

  @Override
  public List<GroupStatus> list() {
    long head = store.headPosition();
    long now = clock.getAsLong();
    List<GroupStatus> out = new ArrayList<>();
    for (GroupRuntime runtime : groups.values()) {
      try {
        out.add(runtime.status(head, now));
      } catch (FactumException stopped) {
        // deleted meanwhile, or stopped: not listed
      }
    }
    out.sort(Comparator.comparing(s -> s.definition().name()));
    return out;
  }

  // ---- delivery --------------------------------------------------------------------------------

  @Override
  public List<Delivery> poll(String group, String consumer, int max, Duration wait) {
    GroupRuntime runtime = group(group);
    checkConsumer(consumer);
    if (max < 1 || max > 10_000) {
      throw new InvalidArgumentException("max must be 1 to 10,000, not " + max);
    }
    if (wait == null || wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
      throw new InvalidArgumentException("wait must be 0 to " + MAX_WAIT);
    }
    long deadline = clock.getAsLong() + wait.toNanos();
    GroupLeases coordinator = leases.get(runtime);
    if (coordinator != null) {
      coordinator.join(); // a first consumer here: join the group's members now
    }
    try {
      return runtime.poll(consumer, max, deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  @Override
  public void ack(String group, String consumer, long position) {
    checkConsumer(consumer);
    join(group(group).ack(consumer, position));
  }

  @Override
  public void nack(String group, String consumer, long position, String reason) {
    checkConsumer(consumer);
    join(group(group).nack(consumer, position, reason));
  }

  @Override
  public void park(String group, String consumer, long position, String reason) {
    checkConsumer(consumer);
    join(group(group).park(consumer, position, reason));
  }

  @Override
  public AppendResult appendAndAck(
      String group, String consumer, List<Long> positions, AppendRequest request) {
    GroupRuntime runtime = group(group);
    checkConsumer(consumer);
    List<Long> acked = checkedPositions(positions, "an ack-append");
    GroupAckAppend staged = runtime.beginAckAppend(consumer, acked, true);
    CompletableFuture<AppendResult> appended;
    try {
      appended = store.appendWithRecords(request, staged.writes(), staged.guard(), staged.gather());
    } catch (RuntimeException e) {
      runtime.ackAppended(acked, staged, e);
      throw e;
    }
    try {
      AppendResult result = appended.join();
      runtime.ackAppended(acked, staged, null);
      return result;
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      runtime.ackAppended(acked, staged, cause);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Acks {@code positions} (each delivered to {@code consumer}) and commits {@code writes} to store
   * records in one atomic command: both or neither. The record counterpart of {@link
   * #appendAndAck}, for handlers whose effect is state rather than events (projections, scheduled
   * reactions): a redelivered event acked this way fails with {@link NotDeliveredException} and
   * writes nothing, so the effect happens exactly once. A write whose expected version does not
   * hold fails the whole command ({@link dev.factum.api.RecordConflictException}) and leaves the
   * events in flight with the consumer, which may retry or nack. Returns the writes' new versions
   * (0 for a delete), in order.
   */
  List<Long> ackWithRecords(
      String group, String consumer, List<Long> positions, List<RecordWrite> writes) {
    GroupRuntime runtime = group(group);
    checkConsumer(consumer);
    List<Long> acked = checkedPositions(positions, "an ack with records");
    List<RecordWrite> own = records.checked(writes);
    for (RecordWrite write : own) {
      if (write.key().namespace().startsWith(StoreRecords.RESERVED_PREFIX)) {
        throw new InvalidArgumentException(
            "record namespace '"
                + write.key().namespace()
                + "' is reserved for Factum's own features");
      }
    }
    GroupAckAppend staged = runtime.beginAckAppend(consumer, acked, false);
    List<RecordWrite> all = new ArrayList<>(staged.writes());
    all.addAll(own);
    try {
      @SuppressWarnings("unchecked")
      List<Long> versions = (List<Long>) records.submit(all, staged.guard()).join();
      runtime.ackAppended(acked, staged, null);
      return List.copyOf(versions.subList(staged.writes().size(), versions.size()));
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      runtime.ackAppended(acked, staged, cause);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    } catch (RuntimeException e) {
      runtime.ackAppended(acked, staged, e);
      throw e;
    }
  }

  private static List<Long> checkedPositions(List<Long> positions, String what) {
    if (positions == null || positions.isEmpty()) {
      throw new InvalidArgumentException(what + " needs the positions it acks");
    }
    List<Long> acked = new ArrayList<>(positions);
    if (acked.contains(null)) {
      throw new InvalidArgumentException(what + ": a position is missing");
    }
    return List.copyOf(acked);
  }

  @Override
  public void leave(String group, String consumer) {
    checkConsumer(consumer);
    group(group).leave(consumer);
  }

  @Override
  public List<ParkedEvent> parked(String group) {
    return synced(group(group)).parked();
  }

  /** On a shared storage, the runtime with the parked events other servers wrote. */
  private GroupRuntime synced(GroupRuntime runtime) {
    if (shared) {
      runtime.parkedFromRecords(records.listAny(runtime.namespace()));
    }
    return runtime;
  }

  @Override
  public void replayParked(String group, long position) {
    GroupRuntime runtime = synced(group(group));
    runtime.checkParked(position);
    List<RecordedEvent> found =
        store
            .readAll(position, Direction.FORWARD, 1, runtime.definition().source().filter())
            .events();
    if (found.isEmpty() || found.getFirst().position() != position) {
      throw new StoreClosedException("the parked event at " + position + " cannot be read");
    }
    runtime.replay(position, found.getFirst());
  }

  @Override
  public void skipParked(String group, long position) {
    join(synced(group(group)).skip(position));
  }

  @Override
  public boolean awaitProcessed(String group, long position, Duration timeout) {
    GroupRuntime runtime = group(group);
    if (timeout == null || timeout.isNegative() || timeout.compareTo(MAX_WAIT) > 0) {
      throw new InvalidArgumentException("timeout must be 0 to " + MAX_WAIT);
    }
    RequestValidator.checkFrom(position);
    try {
      return runtime.awaitProcessed(position, clock.getAsLong() + timeout.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ---- the feeder ------------------------------------------------------------------------------

  private void feed() {
    lastFlush = clock.getAsLong();
    try {
      while (!closing) {
        if (store.isStopped()) {
          // fail-stop after a storage failure: the groups stop too (reopen to recover)
          for (GroupRuntime runtime : groups.values()) {
            runtime.stop(
                new StoreClosedException(
                    "the store stopped after a storage failure", store.stopCause()));
          }
          return;
        }
        long nudges = store.groupNudges();
        long head = store.publishedHead();
        boolean more = false;
        if (shared && clock.getAsLong() - lastRefresh >= leaseNanos / 4) {
          lastRefresh = clock.getAsLong();
          coordinate(this::refreshDefinitions);
        }
        for (GroupRuntime runtime : groups.values()) {
          GroupLeases coordinator = leases.get(runtime);
          if (coordinator != null) {
            coordinate(() -> coordinator.tick(clock.getAsLong()));
          }
          more |= fill(runtime);
          runtime.expire(clock.getAsLong());
        }
        if (clock.getAsLong() - lastFlush >= TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS)) {
          lastFlush = clock.getAsLong();
          flushAll(false);
        }
        if (!more) {
          store.awaitHeadOrNudge(head, nudges, Duration.ofMillis(TICK_MILLIS));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StoreClosedException closed) {
      // the store is closing
    } catch (RuntimeException bug) {
      for (GroupRuntime runtime : groups.values()) {
        runtime.stop(new StorageFailureException("the consumer-group feeder failed: " + bug, bug));
      }
    }
  }

  /** Runs one step of the coordination; a failed one (storage down, a race) runs again later. */
  private static void coordinate(Runnable step) {
    try {
      step.run();
    } catch (StoreClosedException closed) {
      throw closed;
    } catch (FactumException failed) {
      // the next round tries again; leases not renewed meanwhile run out, which is safe
    }
  }

  /** Reads the group definitions again: groups created, changed or deleted by other servers. */
  private void refreshDefinitions() {
    List<StoreRecord> stored = records.listAny(GroupCodec.DEFINITIONS);
    Set<String> names = new HashSet<>();
    for (StoreRecord record : stored) {
      names.add(record.key());
      GroupCodec.Stored definition = GroupCodec.definition(record.value());
      GroupRuntime known = groups.get(record.key());
      if (known == null || !known.incarnation().equals(definition.incarnation())) {
        GroupRuntime fresh = runtime(definition, record.version());
        boolean added =
            known == null
                ? groups.putIfAbsent(record.key(), fresh) == null
                : groups.replace(record.key(), known, fresh);
        if (!added) {
          leases.remove(fresh);
        } else if (known != null) {
          leases.remove(known);
          known.stop(notFound(record.key()));
        }
      } else if (record.version() > known.definitionVersion()) {
        known.redefined(definition.definition(), record.version());
      }
    }
    for (var entry : groups.entrySet()) {
      if (!names.contains(entry.getKey())) {
        forget(entry.getKey(), entry.getValue(), notFound(entry.getKey()));
      }
    }
  }

  /** Reads one page into the group's buffer; returns whether a full page came (read on). */
  private boolean fill(GroupRuntime runtime) {
    long from = runtime.wantsRead();
    if (from < 0 || from > store.publishedHead()) {
      return false; // buffer full, or nothing new (no read, which on PostgreSQL is a query)
    }
    ReadPage page;
    try {
      page = store.readAll(from, Direction.FORWARD, PAGE, runtime.definition().source().filter());
    } catch (StoreClosedException closed) {
      throw closed;
    } catch (FactumException failed) {
      runtime.stop(failed); // a damaged record or a failed storage: stop, never skip
      return false;
    }
    runtime.read(from, page.events(), page.next());
    return !page.endOfRead();
  }

  private void flushAll(boolean waitForIt) {
    List<CompletableFuture<Object>> pending = new ArrayList<>();
    for (GroupRuntime runtime : groups.values()) {
      for (GroupFlush flush : runtime.flushWrites(waitForIt)) {
        CompletableFuture<Object> written;
        try {
          written = records.submit(flush.writes(), flush.guard());
        } catch (FactumException refused) {
          runtime.flushed(flush, null, refused);
          continue;
        }
        pending.add(
            written.whenComplete(
                (result, failure) -> runtime.flushed(flush, result, unwrap(failure))));
      }
    }
    if (waitForIt) {
      for (CompletableFuture<Object> future : pending) {
        try {
          future.join();
        } catch (CompletionException ignored) {
          // recorded by flushed(); the store is closing
        }
      }
    }
  }

  /** Stops the feeder and writes every group's checkpoint; before the writer stops. */
  void close() {
    closing = true;
    boolean interrupted = false;
    while (feeder.isAlive()) {
      try {
        feeder.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    for (GroupLeases coordinator : leases.values()) {
      try {
        coordinator.releaseAll(); // others take the partitions over at once, not after the lease
      } catch (FactumException failed) {
        // the leases run out by themselves
      }
    }
    flushAll(true);
    for (GroupRuntime runtime : groups.values()) {
      runtime.stop(new StoreClosedException("the store is closed"));
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- checks ----------------------------------------------------------------------------------

  private GroupRuntime group(String name) {
    GroupRuntime known = name == null ? null : groups.get(name);
    if (known != null) {
      return known; // its name was checked when it was created (every poll and ack comes here)
    }
    validator.checkName("group name", name);
    GroupRuntime runtime = groups.get(name);
    if (runtime == null && shared) {
      runtime = madeElsewhere(name);
    }
    if (runtime == null) {
      throw notFound(name);
    }
    return runtime;
  }

  /**
   * A group another server created since the last refresh of the definitions, found by its name at
   * once: a caller told of it elsewhere (a webhook that follows its definition, a consumer sent
   * here) need not wait up to a quarter lease for the refresh. Null when there is none.
   */
  private GroupRuntime madeElsewhere(String name) {
    StoreRecord record = records.readAny(GroupCodec.DEFINITIONS, name);
    if (record == null) {
      return null;
    }
    GroupRuntime fresh = runtime(GroupCodec.definition(record.value()), record.version());
    GroupRuntime known = groups.putIfAbsent(name, fresh);
    if (known != null) {
      leases.remove(fresh);
      return known; // the refresh, or another caller, found it first
    }
    return fresh;
  }

  private void checkDefinition(GroupDefinition definition) {
    if (definition == null
        || definition.source() == null
        || definition.start() == null
        || definition.settings() == null) {
      throw new InvalidArgumentException("a group needs a name, a source, a start and settings");
    }
    validator.checkName("group name", definition.name());
    if (definition.name().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new InvalidArgumentException(
          "a group name is at most " + MAX_NAME_BYTES + " UTF-8 bytes");
    }
    if (definition.source().isStream()) {
      validator.checkReadableStreamName(definition.source().stream());
    }
    for (String value : definition.source().filter().values()) {
      validator.checkName("filter value", value);
    }
    checkSettings(definition.settings());
  }

  private static void checkSettings(GroupSettings settings) {
    if (settings == null || settings.ackTimeout() == null || settings.retryBackoff() == null) {
      throw new InvalidArgumentException("group settings are incomplete");
    }
    if (settings.maxInFlight() < 1 || settings.maxInFlight() > 10_000) {
      throw new InvalidArgumentException(
          "maxInFlight must be 1 to 10,000, not " + settings.maxInFlight());
    }
    Duration hour = Duration.ofHours(1);
    if (settings.ackTimeout().compareTo(Duration.ofMillis(1)) < 0
        || settings.ackTimeout().compareTo(hour) > 0) {
      throw new InvalidArgumentException(
          "ackTimeout must be 1 ms to 1 hour, not " + settings.ackTimeout());
    }
    if (settings.maxRetries() < 0 || settings.maxRetries() > 1_000) {
      throw new InvalidArgumentException(
          "maxRetries must be 0 to 1,000, not " + settings.maxRetries());
    }
    if (settings.retryBackoff().isNegative() || settings.retryBackoff().compareTo(hour) > 0) {
      throw new InvalidArgumentException(
          "retryBackoff must be 0 to 1 hour, not " + settings.retryBackoff());
    }
  }

  private void checkConsumer(String consumer) {
    validator.checkName("consumer name", consumer);
  }

  private static GroupExistsException exists(String name) {
    return new GroupExistsException("consumer group '" + name + "' exists already");
  }

  private static GroupNotFoundException notFound(String name) {
    return new GroupNotFoundException("consumer group '" + name + "' does not exist");
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException e && e.getCause() != null
        ? e.getCause()
        : failure;
  }

  /** The new versions a record write returns. */
  @SuppressWarnings("unchecked")
  private static List<Long> versions(CompletableFuture<Object> future) {
    return (List<Long>) join(future);
  }

  private static Object join(CompletableFuture<Object> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
