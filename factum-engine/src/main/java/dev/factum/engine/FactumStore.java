package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.ImportResult;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import dev.factum.api.StreamState;
import dev.factum.api.Subscription;
import dev.factum.api.SubscriptionListener;
import dev.factum.api.SubscriptionRequest;
import dev.factum.api.SystemStreams;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.api.snapshots.Snapshots;
import dev.factum.engine.spi.BackupReport;
import dev.factum.engine.spi.SharedStorage;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StorageGauge;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The {@link EventStore} over any {@link Storage}: validation, the single-writer pipeline, reads
 * bounded by the published head, and subscriptions. Storages supply persistence only; every rule of
 * the store lives here, so each storage gets the same semantics (the TCK checks that).
 */
public final class FactumStore implements EventStore {
  private final Storage storage;
  private final StoreOptions options;
  private final RequestValidator validator;
  private final HeadPublisher publisher;
  private final AppendPipeline pipeline;
  private final StorageGuard guard = new StorageGuard();
  private final Set<SubscriptionWorker> subscriptions = ConcurrentHashMap.newKeySet();
  private final AtomicLong subscriptionIds = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StoreRecords records;
  private final StreamSnapshots snapshots;
  private final StreamMetadataStore metadata;
  private final ShreddingStats shreddingStats = new ShreddingStats();
  private Shredding shredding;
  private final Scavenger scavenger;
  private ConsumerGroupManager groups;

  private FactumStore(Storage storage, StoreOptions options, LongSupplier nanoClock) {
    this.storage = storage;
    this.options = options;
    this.validator = new RequestValidator(options.limits());
    this.publisher = new HeadPublisher(storage.lastPosition());
    this.pipeline = new AppendPipeline(storage, options, publisher, "factum", nanoClock);
    this.records = new StoreRecords(storage, guard, pipeline);
    this.snapshots =
        new StreamSnapshots(storage, guard, validator, pipeline, options.limits().maxEventBytes());
    this.metadata = new StreamMetadataStore(storage, guard, validator, pipeline, options.clock());
    this.scavenger =
        new Scavenger(storage, guard, pipeline, metadata, this::scavengeHead, options.clock());
  }

  /** The newest position the scavenger may read up to (see {@link #readStreamPage}). */
  private long scavengeHead() {
    return storage instanceof SharedStorage ? Long.MAX_VALUE : publisher.head();
  }

  /** Opens a store over {@code storage}, which it then owns (and closes). */
  public static FactumStore open(Storage storage, StoreOptions options) {
    return open(storage, options, System::nanoTime);
  }

  /**
   * As {@link #open(Storage, StoreOptions)}, with the clock that spaces the writer's probes of a
   * full storage (tests step it instead of sleeping).
   */
  static FactumStore open(Storage storage, StoreOptions options, LongSupplier nanoClock) {
    FactumStore store = new FactumStore(storage, options, nanoClock);
    store.pipeline.start();
    try {
      // Before anything else may write: a wrong master key must leave the store untouched.
      store.shredding =
          new Shredding(
              SubjectKeys.open(
                  storage,
                  store.guard,
                  store.records,
                  options.masterKey(),
                  storage instanceof SharedStorage,
                  store.shreddingStats),
              store.validator,
              store.pipeline,
              store.shreddingStats);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    if (storage instanceof SharedStorage shared) {
      shared.watchCommits(store.publisher::publish);
    }
    try {
      store.groups =
          new ConsumerGroupManager(
              store,
              store.records,
              store.validator,
              nanoClock,
              storage instanceof SharedStorage,
              options.groupLease());
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    store.groups.start();
    store.scavenger.resumeIfInterrupted();
    return store;
  }

  public static FactumStore open(Storage storage) {
    return open(storage, StoreOptions.DEFAULT);
  }

  public StoreOptions options() {
    return options;
  }

  /** Counters of the write pipeline. */
  public PipelineStats pipelineStats() {
    return pipeline.stats();
  }

  /** Counters of crypto-shredding (see {@link ShreddingStats}). */
  public ShreddingStats shreddingStats() {
    return shreddingStats;
  }

  /** Data subjects' keys held in this process's cache (a gauge; bounded). */
  public int cachedSubjectKeys() {
    return shredding.cachedKeys();
  }

  /** Whether this store was opened with a master key (events may name data subjects). */
  public boolean encryptionEnabled() {
    return options.masterKey() != null;
  }

  @Override
  public void forget(String subject) {
    refuseOnWriterThread();
    shredding.forget(subject);
  }

  /**
   * The global log as the storage holds it, before sealed events are opened: their data is their
   * envelope (for tests and tools that must see what is stored, such as proving that no plaintext
   * of a subject's data is).
   */
  public ReadPage readStoredLog(long from, int limit) {
    RequestValidator.checkFrom(from);
    validator.checkReadLimit(limit);
    return guard.read(
        () -> {
          long head = currentHead();
          List<RecordedEvent> events =
              storage.readLog(from, Direction.FORWARD, limit, LogFilter.none(), head);
          long next = events.isEmpty() ? Math.max(from, head + 1) : events.getLast().position() + 1;
          return new ReadPage(events, next, events.size() < limit);
        });
  }

  /** What the storage reports about itself for metrics (see {@link StorageGauge}). */
  public List<StorageGauge> storageGauges() {
    return storage.gauges();
  }

  /** Reads the whole store and checks every invariant of its data. */
  public VerifyReport verify() {
    return guard.read(storage::verify);
  }

  /**
   * {@link #verify()}, and the hash chain must pass through {@code anchor} (docs/LIFECYCLE.md,
   * "Tamper evidence"); null for none.
   */
  public VerifyReport verify(ChainAnchor anchor) {
    return guard.read(() -> storage.verify(anchor));
  }

  @Override
  public ChainHead chainHead() {
    ChainHead head = guard.read(storage::chainHead);
    if (head == null) {
      throw new UnsupportedOperationException("this storage keeps no hash chain");
    }
    return head;
  }

  /**
   * Backs the live store up into {@code directory} (see {@link Storage#backup}); appends and reads
   * go on meanwhile. Throws {@link UnsupportedOperationException} for a storage without one.
   */
  public BackupReport backup(Path directory) {
    return guard.read(() -> storage.backup(directory));
  }

  /** The consumer groups of this store (see {@link ConsumerGroups}). */
  @Override
  public ConsumerGroups consumerGroups() {
    return groups;
  }

  /**
   * Acks {@code positions} of consumer group {@code group} (each delivered to {@code consumer})
   * together with {@code writes} to store records, in one atomic commit: the exactly-once primitive
   * of handlers that keep state in store records (see {@code ackWithRecords} in docs/CONSUMERS.md).
   * A redelivered event fails with {@link dev.factum.api.NotDeliveredException}, a write's expected
   * version that does not hold with {@link dev.factum.api.RecordConflictException}; both write
   * nothing. Returns the writes' new versions (0 for a delete), in order.
   */
  public List<Long> ackWithRecords(
      String group, String consumer, List<Long> positions, List<RecordWrite> writes) {
    refuseOnWriterThread();
    return groups.ackWithRecords(group, consumer, positions, writes);
  }

  /** The snapshots of this store (see {@link Snapshots}). */
  @Override
  public Snapshots snapshots() {
    return snapshots;
  }

  /**
   * Starts a scavenging run (see {@link Scavenger}); throws {@link UnsupportedOperationException}
   * for a storage that cannot remove events.
   */
  @Override
  public ScavengeStatus startScavenge(long eventsPerSecond) {
    if (closed.get()) {
      throw new StoreClosedException("the store is closed");
    }
    return scavenger.start(eventsPerSecond);
  }

  @Override
  public ScavengeStatus scavengeStatus() {
    return scavenger.status();
  }

  /** Whether this store's storage can scavenge (remove events). */
  public boolean canScavenge() {
    return storage.supportsRemoval();
  }

  @Override
  public VersionedStreamMetadata streamMetadata(String stream) {
    return metadata.get(stream);
  }

  @Override
  public long setStreamMetadata(
      String stream, ExpectedRevision expected, StreamMetadata newMetadata) {
    refuseOnWriterThread();
    return metadata.set(stream, expected, newMetadata);
  }

  /** The newest position published to readers of this process. */
  long publishedHead() {
    return publisher.head();
  }

  /** The store records: a small durable key-value space written through the single writer. */
  public StoreRecords records() {
    return records;
  }

  /**
   * An append that commits together with {@code writes} to store records, only if {@code
   * recordGuard} and the writes' expected versions hold (see {@link
   * WriteCommand.AppendWithRecords}); {@code gather} (may be null) is the append's share of a
   * record written with the other appends of its batch ({@link RecordGather}).
   */
  CompletableFuture<AppendResult> appendWithRecords(
      AppendRequest request,
      List<RecordWrite> writes,
      RecordGuard recordGuard,
      RecordGather gather) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    try {
      List<AppendRequest> copy = copyOf(List.of(nonNull(request)));
      long bytes = validator.validateAppend(copy);
      copy = shredding.seal(copy);
      int events = copy.stream().mapToInt(p -> p.events().size()).sum();
      WriteCommand.Append append = new WriteCommand.Append(copy, false, bytes, events, future);
      pipeline.submit(
          new WriteCommand.AppendWithRecords(
              append,
              gather != null && writes.isEmpty() ? List.of() : records.checked(writes),
              recordGuard,
              gather));
    } catch (FactumException rejected) {
      future.completeExceptionally(rejected);
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<AppendResult> result = (CompletableFuture<AppendResult>) (Object) future;
    return result;
  }

  @Override
  public CompletableFuture<AppendResult> appendAsync(AppendRequest request) {
    return submitAppend(List.of(nonNull(request)), false);
  }

  @Override
  public CompletableFuture<MultiAppendResult> appendAllAsync(List<AppendRequest> requests) {
    return submitAppend(requests, true);
  }

  /**
   * Appends atomically to the store's own system streams ({@link SystemStreams#APPENDABLE}: keys
   * and audit), through the same writer as every append; event types may start with {@code $}. Any
   * other stream is refused with {@code invalid-request}. This is the one path that writes them:
   * ordinary appends refuse every {@code $}-name. Callers (the server's key registry) authorize
   * before calling.
   */
  public MultiAppendResult appendSystem(List<AppendRequest> requests) {
    refuseOnWriterThread();
    CompletableFuture<Object> future = new CompletableFuture<>();
    try {
      List<AppendRequest> copy = copyOf(requests);
      long bytes = validator.validateAppend(copy, true);
      copy = shredding.seal(copy);
      int events = copy.stream().mapToInt(p -> p.events().size()).sum();
      pipeline.submit(new WriteCommand.Append(copy, true, bytes, events, future));
    } catch (FactumException rejected) {
      future.completeExceptionally(rejected);
    }
    return (MultiAppendResult) join(future);
  }

  @Override
  public AppendResult append(AppendRequest request) {
    refuseOnWriterThread();
    return EventStore.super.append(request);
  }

  @Override
  public MultiAppendResult appendAll(List<AppendRequest> requests) {
    refuseOnWriterThread();
    return EventStore.super.appendAll(requests);
  }

  /**
   * Futures complete on the writer thread; a callback that waited there for another write would
   * wait for itself forever.
   */
  private void refuseOnWriterThread() {
    if (pipeline.isPipelineThread()) {
      throw new IllegalStateException(
          "a blocking store call from a completion callback would deadlock the writer; use the"
              + " async methods there, or a ...Async stage with an executor");
    }
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> submitAppend(List<AppendRequest> parts, boolean multi) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    try {
      // Copy first, then validate the copy: a list changed concurrently cannot slip past.
      List<AppendRequest> copy = copyOf(parts);
      long bytes = validator.validateAppend(copy);
      copy = shredding.seal(copy);
      int events = copy.stream().mapToInt(p -> p.events().size()).sum();
      pipeline.submit(new WriteCommand.Append(copy, multi, bytes, events, future));
    } catch (FactumException rejected) {
      future.completeExceptionally(rejected);
    }
    return (CompletableFuture<T>) future;
  }

  @Override
  public StreamState delete(String stream, ExpectedRevision expected) {
    return submitDelete(stream, expected, false);
  }

  @Override
  public StreamState tombstone(String stream, ExpectedRevision expected) {
    return submitDelete(stream, expected, true);
  }

  @Override
  public ImportResult importEvents(List<RecordedEvent> events) {
    refuseOnWriterThread();
    if (events == null) {
      throw new InvalidArgumentException("an import needs at least one event");
    }
    List<RecordedEvent> copy = List.copyOf(events);
    long bytes = validator.validateImport(copy);
    copy = shredding.sealImports(copy);
    CompletableFuture<Object> future = new CompletableFuture<>();
    pipeline.submit(new WriteCommand.Import(copy, bytes, future));
    return (ImportResult) join(future);
  }

  private static List<AppendRequest> copyOf(List<AppendRequest> parts) {
    if (parts == null) {
      throw new InvalidArgumentException("an append needs at least one stream");
    }
    return Collections.unmodifiableList(new ArrayList<>(parts));
  }

  private StreamState submitDelete(String stream, ExpectedRevision expected, boolean tombstone) {
    refuseOnWriterThread();
    validator.checkStreamName(stream);
    if (expected == null) {
      throw new InvalidArgumentException("expected revision is missing");
    }
    CompletableFuture<Object> future = new CompletableFuture<>();
    pipeline.submit(new WriteCommand.Delete(stream, expected, tombstone, future));
    return (StreamState) join(future);
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

  @Override
  public ReadPage readStream(String stream, long from, Direction direction, int limit) {
    validator.checkReadableStreamName(stream);
    RequestValidator.checkFrom(from);
    validator.checkReadLimit(limit);
    nonNull(direction);
    return guard.read(() -> readStreamPage(stream, from, direction, limit));
  }

  private ReadPage readStreamPage(String stream, long from, Direction direction, int limit) {
    // A shared storage's reads are snapshots holding a gap-free prefix of the log, which may be
    // ahead of what this process has heard of: no bound needed, and reads see other servers' acks.
    long head = storage instanceof SharedStorage ? Long.MAX_VALUE : publisher.head();
    StreamHead streamHead = visibleHead(stream);
    long first = metadata.firstVisible(stream, streamHead, head);
    if (direction == Direction.FORWARD) {
      // END forward is "after the newest event": the next page starts there, a real revision.
      long start = from == EventStore.END ? streamHead.lastRevision() + 1 : Math.max(from, first);
      start = Math.max(start, first);
      List<RecordedEvent> events =
          shredding.open(storage.readStream(stream, start, direction, limit, first, head));
      long next = events.isEmpty() ? start : events.getLast().revision() + 1;
      return new ReadPage(events, next, events.size() < limit, first);
    }
    long start = Math.min(from, streamHead.lastRevision());
    if (start < first) {
      return new ReadPage(List.of(), -1, true, first);
    }
    List<RecordedEvent> events =
        shredding.open(storage.readStream(stream, start, direction, limit, first, head));
    long next = events.isEmpty() ? -1 : events.getLast().revision() - 1;
    boolean end = events.size() < limit || next < first;
    return new ReadPage(events, end ? -1 : next, end, first);
  }

  /** The head of a readable stream, or the exception that says why it cannot be read. */
  private StreamHead visibleHead(String stream) {
    StreamHead head = storage.loadHead(stream);
    if (head == null || head.status() == StreamState.Status.NONE) {
      throw new StreamNotFoundException(stream);
    }
    if (head.status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    if (head.lastRevision() < head.firstVisibleRevision()) {
      throw new StreamNotFoundException(stream); // soft-deleted and not written since
    }
    return head;
  }

  @Override
  public ReadPage readAll(long from, Direction direction, int limit, LogFilter filter) {
    RequestValidator.checkFrom(from);
    validator.checkReadLimit(limit);
    nonNull(direction);
    LogFilter effective = filter == null ? LogFilter.none() : filter;
    validator.checkFilter(effective);
    return guard.read(() -> readLogPage(from, direction, limit, effective));
  }

  private ReadPage readLogPage(long from, Direction direction, int limit, LogFilter filter) {
    long head = currentHead();
    if (direction == Direction.FORWARD) {
      // END forward resolves to head + 1 now, so the page's next is a position to wait on and
      // link to (a long poll from the end), never END itself.
      long start = from == EventStore.END ? head + 1 : from;
      List<RecordedEvent> events =
          shredding.open(storage.readLog(start, direction, limit, filter, head));
      if (events.size() == limit) {
        return new ReadPage(events, events.getLast().position() + 1, false);
      }
      return new ReadPage(events, Math.max(start, head + 1), true);
    }
    long start = Math.min(from, head);
    if (start < 0) {
      return new ReadPage(List.of(), -1, true);
    }
    List<RecordedEvent> events =
        shredding.open(storage.readLog(start, direction, limit, filter, head));
    long next = events.size() == limit ? events.getLast().position() - 1 : -1;
    return new ReadPage(events, next, next < 0);
  }

  @Override
  public StreamState streamState(String stream) {
    validator.checkReadableStreamName(stream);
    return guard.read(
        () -> {
          StreamHead head = storage.loadHead(stream);
          if (head == null) {
            return new StreamState(stream, StreamState.Status.NONE, StreamState.NO_REVISION);
          }
          return new StreamState(stream, head.status(), head.lastRevision());
        });
  }

  @Override
  public StreamPage listStreams(StreamQuery query) {
    return listStreams(query, null);
  }

  /**
   * As {@link #listStreams(StreamQuery)}, keeping only names in one of the {@code allowed} ranges
   * (null for every name): how a key's scopes narrow a listing by seeking, not by filtering a scan.
   */
  public StreamPage listStreams(StreamQuery query, List<NameRange> allowed) {
    nonNull(query);
    validator.checkReadLimit(query.limit());
    for (String name : new String[] {query.prefix(), query.category(), query.after()}) {
      if (name != null) {
        validator.checkName("stream listing filter", name);
      }
    }
    return guard.read(
        () -> {
          long head = storage instanceof SharedStorage ? Long.MAX_VALUE : publisher.head();
          return StreamListing.page(storage, query, allowed, head);
        });
  }

  /**
   * Everything the store knows of a stream's state: its status and last revision (as {@link
   * #streamState}), the global position of its last event, and the first revision a read can see
   * now (revisions below it are hidden by a soft delete or by the stream's metadata: {@code
   * lastRevision + 1 - firstVisibleRevision} events are visible when that is positive). {@link
   * StreamHead#NEW} for a stream never written.
   */
  public StreamHead streamHead(String stream) {
    validator.checkStreamName(stream);
    return guard.read(
        () -> {
          StreamHead head = storage.loadHead(stream);
          if (head == null) {
            return StreamHead.NEW;
          }
          long bound = storage instanceof SharedStorage ? Long.MAX_VALUE : publisher.head();
          long first = metadata.firstVisible(stream, head, bound);
          return first == head.firstVisibleRevision()
              ? head
              : new StreamHead(head.lastRevision(), head.lastPosition(), first, head.status());
        });
  }

  @Override
  public long headPosition() {
    return storage instanceof SharedStorage ? guard.read(this::currentHead) : publisher.head();
  }

  /**
   * The newest position readers may see. For a shared storage it is read from the storage, so that
   * a read includes every append acknowledged by any server before the read began.
   */
  private long currentHead() {
    if (storage instanceof SharedStorage) {
      publisher.publish(storage.lastPosition());
    }
    return publisher.head();
  }

  /**
   * Waits until an event beyond {@code position} is committed, the store stops, or the timeout
   * passes (for long polling).
   *
   * @return whether the head moved beyond {@code position}
   */
  public boolean awaitHeadBeyond(long position, Duration timeout) throws InterruptedException {
    return publisher.awaitBeyond(position, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The consumer groups' feeder: the count of {@link #nudgeGroups} calls so far. */
  long groupNudges() {
    return publisher.nudges();
  }

  /** Wakes the consumer groups' feeder (a group's buffer has room again). */
  void nudgeGroups() {
    publisher.nudge();
  }

  /** The feeder's wait: the head moves past {@code position}, a nudge, or the timeout. */
  void awaitHeadOrNudge(long position, long nudgesSeen, Duration timeout)
      throws InterruptedException {
    publisher.awaitBeyondOrNudge(position, nudgesSeen, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * How many callers are parked waiting for the head to move ({@link #awaitHeadBeyond}: long polls,
   * and subscriptions at the head). For tests and monitoring: a test can wait for a long poll to be
   * parked before it appends.
   */
  public int headWaiters() {
    return publisher.waiters();
  }

  /** How many subscriptions are running. */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  /**
   * How far the furthest-behind global-log subscription trails the head, in events (0 when none
   * runs). Stream subscriptions count revisions, not positions, and are left out.
   */
  public long maxSubscriptionLag() {
    long head = publisher.head();
    long lag = 0;
    for (SubscriptionWorker worker : subscriptions) {
      if (!worker.isStreamSubscription()) {
        lag = Math.max(lag, head + 1 - worker.nextPosition());
      }
    }
    return lag;
  }

  @Override
  public Subscription subscribe(SubscriptionRequest request, SubscriptionListener listener) {
    nonNull(request);
    nonNull(listener);
    if (request.isStream()) {
      validator.checkReadableStreamName(request.stream());
    }
    validator.checkFilter(request.filter());
    if (closed.get()) {
      throw new StoreClosedException("the store is closed");
    }
    long start = request.from() == SubscriptionRequest.END ? startAtEnd(request) : request.from();
    SubscriptionWorker.Source source =
        request.isStream()
            ? (cursor, head, limit) ->
                guard.read(() -> readStreamForSubscription(request.stream(), cursor, head, limit))
            : (cursor, head, limit) ->
                guard.read(
                    () ->
                        shredding.open(
                            storage.readLog(
                                cursor, Direction.FORWARD, limit, request.filter(), head)));
    SubscriptionWorker worker =
        new SubscriptionWorker(
            request,
            start,
            listener,
            publisher,
            source,
            options.subscriptionPageSize(),
            subscriptions::remove);
    subscriptions.add(worker);
    worker.start("factum-subscription-" + subscriptionIds.incrementAndGet());
    if (closed.get()) {
      worker.end(new StoreClosedException("the store is closed"));
    }
    return worker;
  }

  private long startAtEnd(SubscriptionRequest request) {
    if (!request.isStream()) {
      return guard.read(this::currentHead) + 1;
    }
    return guard.read(
        () -> {
          StreamHead head = storage.loadHead(request.stream());
          return head == null ? 0 : head.lastRevision() + 1;
        });
  }

  private List<RecordedEvent> readStreamForSubscription(
      String stream, long cursor, long head, int limit) {
    StreamHead streamHead = storage.loadHead(stream);
    if (streamHead == null) {
      return List.of(); // not written yet: wait for it
    }
    if (streamHead.status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    long first = metadata.firstVisible(stream, streamHead, head);
    return shredding.open(
        storage.readStream(stream, Math.max(cursor, first), Direction.FORWARD, limit, first, head));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scavenger.close(); // before the writer stops: its progress stays, the next open resumes
    if (groups != null) {
      groups.close(); // writes the checkpoints while the writer still runs
    }
    pipeline.close();
    publisher.stop();
    for (SubscriptionWorker worker : subscriptions) {
      worker.end(new StoreClosedException("the store is closed"));
    }
    guard.close(storage::close);
  }

  /**
   * Whether other processes may write the same storage (PostgreSQL, docs/SCALING.md): features that
   * must run in one process at a time (a sink's forwarding) then take a lease.
   */
  public boolean isShared() {
    return storage instanceof SharedStorage;
  }

  /** Whether the store stopped itself after a storage failure (see {@link #stopCause()}). */
  public boolean isStopped() {
    return pipeline.isStopped();
  }

  public FactumException stopCause() {
    return pipeline.stopCause();
  }

  private static <T> T nonNull(T value) {
    if (value == null) {
      throw new InvalidArgumentException("a required argument is missing");
    }
    return value;
  }
}
