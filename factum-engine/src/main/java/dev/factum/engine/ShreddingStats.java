package dev.factum.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of crypto-shredding in this process (docs/LIFECYCLE.md): events sealed and opened and
 * the time spent doing it, events read redacted, keys created and subjects forgotten, and the
 * subjects holding a key (counted at open, then kept up to date by this process's creates and
 * forgets: exact on a storage only this process writes, this process's view on a shared one).
 */
public final class ShreddingStats {
  private final LongAdder sealed = new LongAdder();
  private final LongAdder sealNanos = new LongAdder();
  private final LongAdder opened = new LongAdder();
  private final LongAdder openNanos = new LongAdder();
  private final LongAdder redacted = new LongAdder();
  private final LongAdder keysCreated = new LongAdder();
  private final LongAdder forgets = new LongAdder();
  private final AtomicLong subjects = new AtomicLong();

  void subjectsAtOpen(long count) {
    subjects.set(count);
  }

  void keyCreated() {
    keysCreated.increment();
    subjects.incrementAndGet();
  }

  void forgotten() {
    forgets.increment();
    subjects.decrementAndGet();
  }

  void sealed(int events, long nanos) {
    sealed.add(events);
    sealNanos.add(nanos);
  }

  void opened(int events, long nanos) {
    opened.add(events);
    openNanos.add(nanos);
  }

  void redacted(int events) {
    redacted.add(events);
  }

  /** Subjects holding a key. */
  public long subjects() {
    return Math.max(0, subjects.get());
  }

  /** Events encrypted (sealed) by appends and imports. */
  public long sealedEvents() {
    return sealed.sum();
  }

  public long sealNanos() {
    return sealNanos.sum();
  }

  /** Events decrypted (opened) by reads. */
  public long openedEvents() {
    return opened.sum();
  }

  public long openNanos() {
    return openNanos.sum();
  }

  /** Events read with their data redacted (their subject forgotten). */
  public long redactedEvents() {
    return redacted.sum();
  }

  public long keysCreated() {
    return keysCreated.sum();
  }

  public long forgets() {
    return forgets.sum();
  }
}
