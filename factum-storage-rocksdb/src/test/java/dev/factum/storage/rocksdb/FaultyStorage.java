package dev.factum.storage.rocksdb;

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
import java.util.function.Supplier;

/**
 * The real RocksDB storage with a fault seam in front of {@link #commit}: a test can make the next
 * commit fail (before anything reaches RocksDB) or hold commits until released. Everything else
 * passes straight through.
 */
final class FaultyStorage implements Storage {
  private final RocksDbStorage real;
  private volatile Supplier<RuntimeException> nextCommitFailure;
  private volatile CountDownLatch gate;

  FaultyStorage(RocksDbStorage real) {
    this.real = real;
  }

  void failNextCommit(Supplier<RuntimeException> failure) {
    nextCommitFailure = failure;
  }

  void holdCommits(CountDownLatch release) {
    gate = release;
  }

  @Override
  public void commit(CommitBatch batch) {
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
    return real.readStream(stream, from, direction, limit, minRevision, maxPosition);
  }

  @Override
  public List<RecordedEvent> readLog(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition) {
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
