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
import java.util.List;
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
 * feeder thread reads each group's source page by page into its buffer, wakes on every new head (or
 * every {@value #TICK_MILLIS} ms, to time deliveries out), and writes each group's checkpoint at
 * most every {@value #FLUSH_MILLIS} ms: that interval is the redelivery window of plain acks after
 * a crash. Calls never block on the writer while holding a group's monitor.
 *
 * <p>What it deliberately does not do yet: run one group from several servers sharing a PostgreSQL
 * database. Each server loads the groups defined when it opened and runs them alone; a second
 * server running the same group is found out at its first checkpoint write (the checkpoint is
 * written compare-and-set), and the group stops there with {@code record-conflict} on every call.
 */
final class ConsumerGroupManager implements ConsumerGroups {
  static final int TICK_MILLIS = 10;
  static final int FLUSH_MILLIS = 100;
  private static final int PAGE = 500;
  private static final int MAX_NAME_BYTES = 200;
  private static final Duration MAX_WAIT = Duration.ofMinutes(5);

  private final FactumStore store;
  private final StoreRecords records;
  private final RequestValidator validator;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, GroupRuntime> groups = new ConcurrentHashMap<>();
  private final Thread feeder;
  private volatile boolean closing;
  private long lastFlush;

  ConsumerGroupManager(
      FactumStore store, StoreRecords records, RequestValidator validator, LongSupplier clock) {
    this.store = store;
    this.records = records;
    this.validator = validator;
    this.clock = clock;
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
    return new GroupRuntime(
        definition, version, records.listAny(definition.namespace()), records::submit, clock);
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
    if (groups.putIfAbsent(definition.name(), runtime) != null) {
      throw exists(definition.name());
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
    join(records.submit(deletes, runtime.existsGuard()));
    groups.remove(group, runtime);
    runtime.stop(notFound(group));
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
    try {
      return runtime.poll(consumer, max, clock.getAsLong() + wait.toNanos());
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
    if (positions == null || positions.isEmpty()) {
      throw new InvalidArgumentException("an ack-append needs the positions it acks");
    }
    List<Long> acked = new ArrayList<>(positions);
    if (acked.contains(null)) {
      throw new InvalidArgumentException("an ack-append position is missing");
    }
    acked = List.copyOf(acked);
    List<RecordWrite> writes = runtime.beginAckAppend(consumer, acked);
    CompletableFuture<AppendResult> appended;
    try {
      appended = store.appendWithRecords(request, writes, runtime.ackGuard(acked));
    } catch (RuntimeException e) {
      runtime.ackAppended(acked, e);
      throw e;
    }
    try {
      AppendResult result = appended.join();
      runtime.ackAppended(acked, null);
      return result;
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      runtime.ackAppended(acked, cause);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  @Override
  public void leave(String group, String consumer) {
    checkConsumer(consumer);
    group(group).leave(consumer);
  }

  @Override
  public List<ParkedEvent> parked(String group) {
    return group(group).parked();
  }

  @Override
  public void replayParked(String group, long position) {
    GroupRuntime runtime = group(group);
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
    join(group(group).skip(position));
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
        long head = store.publishedHead();
        boolean more = false;
        for (GroupRuntime runtime : groups.values()) {
          more |= fill(runtime);
          runtime.expire(clock.getAsLong());
        }
        if (clock.getAsLong() - lastFlush >= TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS)) {
          lastFlush = clock.getAsLong();
          flushAll(false);
        }
        if (!more) {
          store.awaitHeadBeyond(head, Duration.ofMillis(TICK_MILLIS));
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
      GroupRuntime.Flush flush = runtime.flushWrites(waitForIt);
      if (flush == null) {
        continue;
      }
      CompletableFuture<Object> written;
      try {
        written = records.submit(flush.writes(), runtime.existsGuard());
      } catch (FactumException refused) {
        runtime.flushed(flush, null, refused);
        continue;
      }
      pending.add(
          written.whenComplete(
              (result, failure) -> runtime.flushed(flush, result, unwrap(failure))));
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
    validator.checkName("group name", name);
    GroupRuntime runtime = groups.get(name);
    if (runtime == null) {
      throw notFound(name);
    }
    return runtime;
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
