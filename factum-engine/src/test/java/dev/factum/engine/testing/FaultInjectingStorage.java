package dev.factum.engine.testing;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFullException;
import dev.factum.engine.spi.BackupReport;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StorageGauge;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A storage (a real one, or {@link InMemoryStorage}) with seams in front of it for the failures a
 * test cannot cause otherwise, at chosen points: the k-th commit fails before anything reaches the
 * storage or after it became durable; a full disk on the k-th commit, refusing every commit and
 * every resume until {@link #freeSpace()}; commits that wait at a gate; reads that fail, or that
 * run an action after they return (to commit something between a subscription's read and its wait).
 * Everything else passes straight through, so the store above is the real one. Shared by every
 * module's fault tests and the engine's own.
 *
 * <p>Commits are counted from 1 in the order they enter {@link #commit} (held ones included), which
 * is the writer's batch order: "the k-th commit" is deterministic for a given sequence of batches.
 */
public final class FaultInjectingStorage implements Storage {

  /** Where a planned commit failure strikes. */
  public enum Point {
    /** Before the batch reaches the storage: nothing is written. */
    BEFORE_DURABLE,
    /** After the storage made the batch durable: the caller cannot know that it was. */
    AFTER_DURABLE
  }

  private record Fault(Point point, Supplier<RuntimeException> failure, boolean fillsDisk) {}

  private final Storage real;
  private final AtomicInteger commitsEntered = new AtomicInteger();
  private final AtomicInteger resumeProbes = new AtomicInteger();
  private final AtomicInteger recordReads = new AtomicInteger();
  private volatile Predicate<CommitBatch> fillDiskWhere;
  private volatile Point fillDiskWherePoint;
  private final Map<Integer, Fault> planned = new ConcurrentHashMap<>();
  private final List<CommitBatch> durable = new CopyOnWriteArrayList<>();
  private volatile Supplier<RuntimeException> readFailure;
  private volatile Runnable afterNextLogRead;
  private volatile CountDownLatch gate;
  private volatile boolean full;
  private volatile Supplier<RuntimeException> resumeFailure;
  private final Object entered = new Object();

  public FaultInjectingStorage(Storage real) {
    this.real = real;
  }

  /** An in-memory storage behind the seams. */
  public static FaultInjectingStorage inMemory() {
    return new FaultInjectingStorage(InMemoryStorage.create());
  }

  /** The storage behind the seams. */
  public Storage real() {
    return real;
  }

  /** The {@code k}-th commit (counted from 1 over this storage's life) fails at {@code point}. */
  public void failCommit(int k, Point point, Supplier<RuntimeException> failure) {
    planned.put(k, new Fault(point, failure, false));
  }

  /** The next commit throws what {@code failure} supplies, and writes nothing. */
  public void failNextCommit(Supplier<RuntimeException> failure) {
    failCommit(commitsEntered.get() + 1, Point.BEFORE_DURABLE, failure);
  }

  /**
   * The next commit is written to the real storage and then throws what {@code failure} supplies: a
   * commit whose outcome the caller cannot know (a failed fsync after the write reached the log).
   */
  public void failNextCommitAfterWriting(Supplier<RuntimeException> failure) {
    failCommit(commitsEntered.get() + 1, Point.AFTER_DURABLE, failure);
  }

  /**
   * The disk fills up at the {@code k}-th commit: it fails with {@link StorageFullException} at
   * {@code point} (after it became durable: the disk filled while syncing), and from then on every
   * commit and every {@link #resumeAfterFull()} fails the same way until {@link #freeSpace()}.
   */
  public void fillDiskAtCommit(int k, Point point) {
    planned.put(
        k, new Fault(point, () -> new StorageFullException("no space left (injected)"), true));
  }

  /**
   * As {@link #fillDiskAtCommit}, at the first commit from now whose batch {@code matches}: for a
   * test whose store also commits by itself (a consumer group's checkpoint flushes), so the fault
   * strikes the commit the test means.
   */
  public void fillDiskAtCommitWhere(Predicate<CommitBatch> matches, Point point) {
    fillDiskWhere = matches;
    fillDiskWherePoint = point;
  }

  /** Space was freed: the next {@link #resumeAfterFull()} succeeds. */
  public void freeSpace() {
    full = false;
  }

  /** How many times the store probed the storage with {@link #resumeAfterFull()}. */
  public int resumeProbes() {
    return resumeProbes.get();
  }

  /** Stream and log reads throw what {@code failure} supplies (null: stop failing). */
  public void failReads(Supplier<RuntimeException> failure) {
    readFailure = failure;
  }

  /**
   * The next log read runs {@code action} after the real read returned and before its caller sees
   * the events: what the action commits is newer than the page being returned.
   */
  public void afterNextLogRead(Runnable action) {
    afterNextLogRead = action;
  }

  /** Commits wait until the returned latch is counted down. */
  public CountDownLatch holdCommits() {
    CountDownLatch release = new CountDownLatch(1);
    gate = release;
    return release;
  }

  /** {@link #resumeAfterFull()} throws what {@code failure} supplies (a storage that broke). */
  public void failResume(Supplier<RuntimeException> failure) {
    resumeFailure = failure;
  }

  /**
   * Waits until the {@code k}-th commit has entered (the writer is inside it, e.g. held at the
   * gate): a real signal, so a test knows what the writer is doing without sleeping.
   */
  public void awaitCommitEntered(int k) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    synchronized (entered) {
      while (commitsEntered.get() < k) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("commit " + k + " never started");
        }
        entered.wait(left / 1_000_000 + 1);
      }
    }
  }

  /** How many commits have started (including ones held at the gate). */
  public int commitsEntered() {
    return commitsEntered.get();
  }

  /** The batches that reached the storage, in commit order (also those failed after writing). */
  public List<CommitBatch> durableBatches() {
    return List.copyOf(durable);
  }

  @Override
  public void commit(CommitBatch batch) {
    int k;
    synchronized (entered) {
      k = commitsEntered.incrementAndGet();
      entered.notifyAll();
    }
    CountDownLatch hold = gate;
    if (hold != null) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (full) {
      throw new StorageFullException("no space left (injected, still full)");
    }
    Fault fault = planned.remove(k);
    Predicate<CommitBatch> where = fillDiskWhere;
    if (fault == null && where != null && where.test(batch)) {
      fillDiskWhere = null;
      fault =
          new Fault(
              fillDiskWherePoint, () -> new StorageFullException("no space left (injected)"), true);
    }
    if (fault != null && fault.point() == Point.BEFORE_DURABLE) {
      full |= fault.fillsDisk();
      throw fault.failure().get();
    }
    real.commit(batch);
    durable.add(batch);
    if (fault != null) {
      full |= fault.fillsDisk();
      throw fault.failure().get();
    }
  }

  private void maybeFailRead() {
    Supplier<RuntimeException> failure = readFailure;
    if (failure != null) {
      throw failure.get();
    }
  }

  @Override
  public long lastPosition() {
    return real.lastPosition();
  }

  @Override
  public StreamHead loadHead(String stream) {
    return real.loadHead(stream);
  }

  @Override
  public List<ListedStream> listStreams(String prefix, String after, int limit, long maxPosition) {
    return real.listStreams(prefix, after, limit, maxPosition);
  }

  @Override
  public long findPosition(UUID eventId) {
    return real.findPosition(eventId);
  }

  @Override
  public RecordedEvent readEvent(long position) {
    return real.readEvent(position);
  }

  @Override
  public RemovedEvent removedAt(long position) {
    return real.removedAt(position);
  }

  @Override
  public boolean supportsRemoval() {
    return real.supportsRemoval();
  }

  @Override
  public long reclaimSpace() {
    return real.reclaimSpace();
  }

  @Override
  public long reclaimAllSpace() {
    return real.reclaimAllSpace();
  }

  @Override
  public StoreRecord readRecord(String namespace, String key) {
    recordReads.incrementAndGet();
    return real.readRecord(namespace, key);
  }

  /** How many single records were read ({@link #readRecord}) so far. */
  public int recordReads() {
    return recordReads.get();
  }

  @Override
  public List<StoreRecord> readRecords(String namespace) {
    maybeFailRead();
    return real.readRecords(namespace);
  }

  @Override
  public List<RecordedEvent> readStream(
      String stream,
      long from,
      Direction direction,
      int limit,
      long minRevision,
      long maxPosition) {
    maybeFailRead();
    return real.readStream(stream, from, direction, limit, minRevision, maxPosition);
  }

  @Override
  public List<RecordedEvent> readLog(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
    maybeFailRead();
    List<RecordedEvent> events = real.readLog(from, direction, limit, filter, maxPosition);
    Runnable action = afterNextLogRead;
    if (action != null) {
      afterNextLogRead = null;
      action.run();
    }
    return events;
  }

  @Override
  public long resumeAfterFull() {
    resumeProbes.incrementAndGet();
    Supplier<RuntimeException> failure = resumeFailure;
    if (failure != null) {
      throw failure.get();
    }
    if (full) {
      throw new StorageFullException("no space left (injected, still full)");
    }
    return real.resumeAfterFull();
  }

  @Override
  public List<StorageGauge> gauges() {
    return real.gauges();
  }

  @Override
  public VerifyReport verify() {
    return real.verify();
  }

  @Override
  public BackupReport backup(Path directory) {
    return real.backup(directory);
  }

  @Override
  public void close() {
    real.close();
  }
}
