package dev.factum.engine;

import dev.factum.api.StoreClosedException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps reads and closing apart: a storage (RocksDB especially) must not be closed while a read is
 * inside it, and must not be read after. Reads share; closing waits for them and excludes new ones.
 */
final class StorageGuard {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  <T> T read(Supplier<T> operation) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new StoreClosedException("the store is closed");
      }
      return operation.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Waits for reads under way, runs {@code closer} once, and refuses every later read. */
  void close(Runnable closer) {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closer.run();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
