package dev.factum.engine;

import dev.factum.api.FactumException;
import dev.factum.api.OverloadedException;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.CommitSession;
import dev.factum.engine.spi.SharedStorage;
import dev.factum.engine.spi.Storage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The single writer: every append and delete of a store flows through one thread, which is what
 * makes optimistic concurrency exact and cheap.
 *
 * <p>Callers {@link #submit} a command to a bounded queue and wait on its future. The writer drains
 * whatever is queued (up to a count and byte bound), stages each command in order against the
 * stream heads ({@link BatchStager}), persists the whole batch in one storage commit (one fsync for
 * many appends: group commit), publishes the new head position to readers, and only then completes
 * the futures. While one batch is being synced, the next one queues up, so batches grow with load.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>No future completes before its batch is durable, and readers see a batch's positions only
 *       once it is durable (published after commit, before completion: read-your-writes).
 *   <li>A full queue rejects at once ({@link OverloadedException}) instead of growing.
 *   <li>A failed commit leaves the batch's outcome unknown (a failed fsync, or a full disk met
 *       while writing the log, may have left the batch in the write-ahead log). On a local storage
 *       any failure but a full disk stops the pipeline for good (fail-stop): the batch fails with
 *       {@link StorageFailureException}, everything queued with {@link StoreClosedException}.
 *       Reopening the store recovers the durable state; retries with the same event ids are then
 *       exact. A full disk fails the batch with {@link StorageFullException} and shuts the {@link
 *       StorageFullGate}: appends are refused with the same code until the storage writes again;
 *       then the writer resyncs with the durable state and carries on, without a restart. On a
 *       {@link SharedStorage} only the batch fails: every batch re-reads the committed state under
 *       the storage's commit lock anyway.
 *   <li>Closing finishes every command already accepted, then stops.
 * </ul>
 *
 * Futures complete on a completer thread, in batch order, so that waking many callers does not hold
 * up the next batch: dependent stages registered with non-async methods run there and must be
 * quick, and must not block on the store (that is refused).
 */
final class AppendPipeline {
  /** Batches of up to this many commands are completed by the writer itself. */
  private static final int INLINE_COMPLETIONS = 8;

  private static final long UNKNOWN_GENERATION = Long.MIN_VALUE;

  private final Storage storage;
  private final StoreOptions options;
  private final HeadPublisher publisher;
  private final BatchStager stager;
  private final StorageFullGate fullGate;
  private final ArrayBlockingQueue<WriteCommand> queue;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Thread writer;
  private final Completer completer;
  private final PipelineStats stats = new PipelineStats();

  private volatile boolean accepting = true;
  private volatile FactumException stopCause;

  /** Groups closed-loop callers into full batches; only for a shared storage, else null. */
  private final BatchLinger linger;

  /** {@link CommitSession#generation()} after this process's last commit, for shared storage. */
  private long knownGeneration = UNKNOWN_GENERATION;

  /** A command taken from the queue that did not fit the last batch; only the writer uses it. */
  private WriteCommand carried;

  AppendPipeline(
      Storage storage,
      StoreOptions options,
      HeadPublisher publisher,
      String name,
      LongSupplier nanoClock) {
    this.storage = storage;
    this.options = options;
    this.publisher = publisher;
    this.stager =
        new BatchStager(
            new HeadCache(options.headCacheEntries()),
            publisher.head() + 1,
            publisher.head() < 0 ? Instant.EPOCH : storage.readEvent(publisher.head()).timestamp(),
            !(storage instanceof SharedStorage));
    this.linger = storage instanceof SharedStorage ? new BatchLinger() : null;
    this.fullGate = new StorageFullGate(storage, nanoClock);
    this.queue = new ArrayBlockingQueue<>(options.maxQueuedCommands());
    this.writer = Thread.ofPlatform().name(name + "-writer").daemon(false).unstarted(this::run);
    this.completer = new Completer(name + "-completer");
  }

  void start() {
    completer.start();
    writer.start();
  }

  PipelineStats stats() {
    return stats;
  }

  /** Queues a command; its future completes once it is durable or rejected. */
  void submit(WriteCommand command) {
    if (!accepting) {
      command.future().completeExceptionally(closedException());
      return;
    }
    long bytes = queuedBytes.addAndGet(command.bytes());
    if (bytes > options.maxQueuedBytes() || !queue.offer(command)) {
      queuedBytes.addAndGet(-command.bytes());
      command
          .future()
          .completeExceptionally(
              new OverloadedException("the write queue is full; retry after a short pause"));
      return;
    }
    // The writer may have drained for the last time between the check and the offer.
    if (!accepting && queue.remove(command)) {
      queuedBytes.addAndGet(-command.bytes());
      command.future().completeExceptionally(closedException());
    }
  }

  /** Stops accepting, finishes what was accepted, and waits for the writer to end. */
  void close() {
    if (isPipelineThread()) {
      throw new IllegalStateException(
          "the store cannot be closed from a callback running on its pipeline threads");
    }
    accepting = false;
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join(); // never give up: the storage is closed after this returns
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    completer.finish();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the calling thread is the writer or the completer, which run completion callbacks and
   * so must never block on a store future.
   */
  boolean isPipelineThread() {
    Thread current = Thread.currentThread();
    return current == writer || completer.isThread(current);
  }

  boolean isStopped() {
    return stopCause != null;
  }

  FactumException stopCause() {
    return stopCause;
  }

  private FactumException closedException() {
    FactumException cause = stopCause;
    return cause == null
        ? new StoreClosedException("the store is closed")
        : new StoreClosedException("the store stopped after a storage failure", cause);
  }

  private void run() {
    List<WriteCommand> batch = new ArrayList<>();
    try {
      while (stopCause == null) {
        WriteCommand first = carried != null ? carried : queue.poll(50, TimeUnit.MILLISECONDS);
        carried = null;
        if (first == null) {
          if (!accepting && queue.isEmpty()) {
            break;
          }
          continue;
        }
        if (linger != null) {
          linger.await(queue);
        }
        batch.clear();
        batch.add(first);
        gather(batch, first);
        process(batch);
      }
    } catch (InterruptedException e) {
      stopCause = new StorageFailureException("the writer thread was interrupted", e);
    } catch (Throwable t) {
      stopCause = new StorageFailureException("the writer failed: " + t, t);
      failAll(batch, stopCause);
    } finally {
      accepting = false;
      if (stopCause != null) {
        publisher.stop();
      }
      if (carried != null) {
        queuedBytes.addAndGet(-carried.bytes());
        carried.future().completeExceptionally(closedException());
        carried = null;
      }
      failQueued();
    }
  }

  /**
   * Adds queued commands to the batch while they fit its bounds. Every command is taken with one
   * atomic {@code poll} (never peek-then-poll, which races with a submitter withdrawing its command
   * at close); one that does not fit is carried to the next batch.
   */
  private void gather(List<WriteCommand> batch, WriteCommand first) {
    long events = first.eventCount();
    long bytes = first.bytes();
    WriteCommand next;
    while ((next = queue.poll()) != null) {
      if (events + next.eventCount() > options.maxBatchEvents()
          || bytes + next.bytes() > options.maxBatchBytes()) {
        carried = next;
        return;
      }
      batch.add(next);
      events += next.eventCount();
      bytes += next.bytes();
    }
  }

  private void process(List<WriteCommand> batch) {
    long bytes = 0;
    for (WriteCommand command : batch) {
      bytes += command.bytes();
    }
    queuedBytes.addAndGet(-bytes);
    if (storage instanceof SharedStorage shared) {
      processShared(batch, shared);
    } else {
      processLocal(batch);
    }
  }

  /** This process is the only writer: what the stager remembers is the committed state. */
  private void processLocal(List<WriteCommand> batch) {
    if (fullGate.isShut() && !resumedAfterFull()) {
      failAll(batch, fullGate.refusal());
      return;
    }
    stager.begin(
        storage, Instant.now(options.clock()).truncatedTo(ChronoUnit.MICROS), Instant.EPOCH);
    Object[] outcomes = stageAll(batch);
    CommitBatch commit = stager.batch();
    if (!commit.isEmpty()) {
      long started = System.nanoTime();
      try {
        storage.commit(commit);
      } catch (RuntimeException failure) {
        stager.abandoned();
        if (failure instanceof StorageFullException full) {
          fullGate.shut(full);
          failAll(
              batch,
              new StorageFullException(
                  "the disk is full; this append may or may not have been written: retry with the"
                      + " same event ids once space is freed (the store resumes by itself)",
                  full));
          return;
        }
        FactumException batchFailure =
            new StorageFailureException(
                "the storage failed during a commit; the outcome of this batch is unknown and"
                    + " the store has stopped (reopen it to recover, and retry with the same"
                    + " event ids)",
                failure);
        stopCause = batchFailure;
        failAll(batch, batchFailure);
        publisher.stop();
        return;
      }
      committed(batch, commit, started);
    }
    complete(batch, outcomes);
  }

  /**
   * Other processes write too: the batch is validated and committed inside one session holding the
   * storage's global commit lock (see {@link SharedStorage}). A failure fails this batch only, with
   * an unknown outcome; the next batch starts from the committed state again.
   */
  private void processShared(List<WriteCommand> batch, SharedStorage shared) {
    Object[] outcomes;
    CommitBatch commit;
    long started = System.nanoTime();
    Set<String> streams = new HashSet<>();
    List<UUID> ids = new ArrayList<>();
    BatchStager.keysOf(batch, streams, ids);
    try (CommitSession session = shared.beginCommit(streams, ids)) {
      if (session.generation() != knownGeneration) {
        stager.resync(session.lastPosition());
      }
      stager.begin(
          session,
          Instant.now(options.clock()).truncatedTo(ChronoUnit.MICROS),
          session.lastTimestamp());
      outcomes = stageAll(batch);
      commit = stager.batch();
      knownGeneration = commit.isEmpty() ? session.generation() : session.commit(commit);
    } catch (RuntimeException failure) {
      stager.abandoned();
      knownGeneration = UNKNOWN_GENERATION;
      failAll(
          batch,
          new StorageFailureException(
              "the storage failed during a commit; the outcome of this append is unknown. Retry"
                  + " it with the same event ids: a retry of a committed append returns its"
                  + " original result",
              failure));
      return;
    }
    if (!commit.isEmpty()) {
      committed(batch, commit, started);
    }
    if (linger != null) {
      linger.batchDone(batch.size(), System.nanoTime() - started, queue.size());
    }
    complete(batch, outcomes);
  }

  /**
   * Probes the storage after a full disk; once it writes again, resyncs the stager with the durable
   * state (see {@link StorageFullGate}) and publishes whatever the failed batch made durable.
   */
  private boolean resumedAfterFull() {
    OptionalLong durable = fullGate.tryResume();
    if (durable.isEmpty()) {
      return false;
    }
    long last = durable.getAsLong();
    if (last < publisher.head()) {
      throw new IllegalStateException(
          "after resuming, the storage's newest position " + last + " is below the published head");
    }
    stager.resync(last);
    if (last > publisher.head()) {
      publisher.publish(last);
    }
    return true;
  }

  private Object[] stageAll(List<WriteCommand> batch) {
    Object[] outcomes = new Object[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      try {
        outcomes[i] = stager.stage(batch.get(i));
      } catch (FactumException rejected) {
        outcomes[i] = rejected;
      }
    }
    return outcomes;
  }

  private void committed(List<WriteCommand> batch, CommitBatch commit, long startedNanos) {
    stats.recordBatch(batch.size(), commit.events().size(), System.nanoTime() - startedNanos);
    stager.committed();
    if (!commit.events().isEmpty()) {
      publisher.publish(stager.nextPosition() - 1);
    }
  }

  /**
   * Completing wakes every waiting caller. For a large batch the completer does it, so the writer
   * can go on to the next batch at once; for a small one the hand-off would cost more latency than
   * it saves. The head is already published, so a woken caller reads its write.
   */
  private void complete(List<WriteCommand> batch, Object[] outcomes) {
    if (batch.size() <= INLINE_COMPLETIONS) {
      for (int i = 0; i < batch.size(); i++) {
        complete(batch.get(i), outcomes[i]);
      }
      return;
    }
    List<WriteCommand> done = List.copyOf(batch);
    completer.submit(
        () -> {
          for (int i = 0; i < done.size(); i++) {
            complete(done.get(i), outcomes[i]);
          }
        });
  }

  @SuppressWarnings("unchecked")
  private static void complete(WriteCommand command, Object outcome) {
    if (outcome instanceof Throwable t) {
      command.future().completeExceptionally(t);
    } else {
      ((CompletableFuture<Object>) command.future()).complete(outcome);
    }
  }

  private static void failAll(List<WriteCommand> batch, Throwable cause) {
    for (WriteCommand command : batch) {
      command.future().completeExceptionally(cause);
    }
  }

  private void failQueued() {
    WriteCommand command;
    while ((command = queue.poll()) != null) {
      queuedBytes.addAndGet(-command.bytes());
      command.future().completeExceptionally(closedException());
    }
  }
}
