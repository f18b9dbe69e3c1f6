package dev.factum.client;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StreamHead;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The real RocksDB storage with seams for the failures a test cannot cause otherwise: the next
 * commit fails, commits wait on a gate (to fill the write queue or outlast a request timeout), or
 * reads fail. Everything else goes straight through, so the store and server above are real.
 */
final class FaultInjectingStorage implements Storage {
  private final RocksDbStorage real;
  private final AtomicInteger commitsEntered = new AtomicInteger();
  private volatile Supplier<RuntimeException> nextCommitFailure;
  private volatile Supplier<RuntimeException> readFailure;
  private volatile CountDownLatch gate;

  FaultInjectingStorage(Path directory) {
    this.real = RocksDbStorage.open(directory);
  }

  void failNextCommit(Supplier<RuntimeException> failure) {
    nextCommitFailure = failure;
  }

  void failReads(Supplier<RuntimeException> failure) {
    readFailure = failure;
  }

  /** Commits wait until the returned latch is counted down. */
  CountDownLatch holdCommits() {
    CountDownLatch release = new CountDownLatch(1);
    gate = release;
    return release;
  }

  /** How many commits have started (including ones held at the gate). */
  int commitsEntered() {
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
  public VerifyReport verify() {
    return real.verify();
  }

  @Override
  public void close() {
    real.close();
  }
}
