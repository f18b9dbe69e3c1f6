package dev.factum.tck;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real storage with seams in front of it for the failures a test cannot cause otherwise: the next
 * commit fails (before anything reaches the storage, or after it was written), commits wait at a
 * gate (to fill the write queue or outlast a timeout), or log and stream reads fail. Everything
 * else passes straight through, so the store above it is the real one. Shared by every module's
 * fault tests.
 */
public final class FaultInjectingStorage implements Storage {
  private final Storage real;
  private final AtomicInteger commitsEntered = new AtomicInteger();
  private volatile Supplier<RuntimeException> nextCommitFailure;
  private volatile Supplier<RuntimeException> nextCommitFailureAfterWrite;
  private volatile Supplier<RuntimeException> readFailure;
  private volatile CountDownLatch gate;

  public FaultInjectingStorage(Storage real) {
    this.real = real;
  }

  /** The next commit throws what {@code failure} supplies, and writes nothing. */
  public void failNextCommit(Supplier<RuntimeException> failure) {
    nextCommitFailure = failure;
  }

  /**
   * The next commit is written to the real storage and then throws what {@code failure} supplies: a
   * commit whose outcome the caller cannot know (a failed fsync after the write reached the log).
   */
  public void failNextCommitAfterWriting(Supplier<RuntimeException> failure) {
    nextCommitFailureAfterWrite = failure;
  }

  /** Stream and log reads throw what {@code failure} supplies (null: stop failing). */
  public void failReads(Supplier<RuntimeException> failure) {
    readFailure = failure;
  }

  /** Commits wait until the returned latch is counted down. */
  public CountDownLatch holdCommits() {
    CountDownLatch release = new CountDownLatch(1);
    gate = release;
    return release;
  }

  /** How many commits have started (including ones held at the gate). */
  public int commitsEntered() {
    return commitsEntered.get();
  }

  @Override
  public void commit(CommitBatch batch) {
    commitsEntered.incrementAndGet();
    CountDownLatch hold = gate;
    if (hold != null) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    Supplier<RuntimeException> failure = nextCommitFailure;
    if (failure != null) {
      nextCommitFailure = null;
      throw failure.get();
    }
    real.commit(batch);
    Supplier<RuntimeException> after = nextCommitFailureAfterWrite;
    if (after != null) {
      nextCommitFailureAfterWrite = null;
      throw after.get();
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
  public long findPosition(UUID eventId) {
    return real.findPosition(eventId);
  }

  @Override
  public RecordedEvent readEvent(long position) {
    return real.readEvent(position);
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
    return real.readLog(from, direction, limit, filter, maxPosition);
  }

  @Override
  public long resumeAfterFull() {
    return real.resumeAfterFull();
  }

  @Override
  public VerifyReport verify() {
    return real.verify();
  }

  @Override
  public void close() {
    real.close();
  }
}
