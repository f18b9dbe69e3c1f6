package dev.factum.engine;

import dev.factum.api.StorageFullException;
import dev.factum.engine.spi.Storage;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * What the writer does after a commit failed because the disk was full: refuse appends with {@code
 * storage-full} until the storage says it can write again, instead of stopping the store for good.
 * A full disk is an operational condition that clears when space is freed; a demanding user expects
 * the store to carry on by itself, without a restart, and without losing or inventing anything.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>The failed batch's outcome is unknown (its bytes may be in the write-ahead log). So nothing
 *       is staged while the gate is shut: every batch fails with {@code storage-full} before it is
 *       validated against state that may be stale.
 *   <li>The gate opens only when {@link Storage#resumeAfterFull()} succeeds, which proves the
 *       storage writes again and re-reads the newest durable position. The writer then resyncs its
 *       staging state (next position, stream heads) from storage: if the failed batch did become
 *       durable, its events are published and a retry with the same event ids is recognised; if it
 *       did not, its positions are reused. Either way positions stay dense and no reader ever saw a
 *       position that later changes.
 *   <li>Probes are spaced ({@link #PROBE_INTERVAL_NANOS}) so a full disk does not become a busy
 *       loop. Any other failure while resuming propagates, and the writer stops (fail-stop).
 * </ul>
 *
 * Used by the writer thread only. Time comes from a nanosecond clock given at construction ({@code
 * System::nanoTime} in production), so tests can step it instead of sleeping.
 */
final class StorageFullGate {
  static final long PROBE_INTERVAL_NANOS = 200_000_000L;

  private final Storage storage;
  private final LongSupplier nanoClock;
  private StorageFullException cause;
  private long nextProbe;

  StorageFullGate(Storage storage, LongSupplier nanoClock) {
    this.storage = storage;
    this.nanoClock = nanoClock;
  }

  boolean isShut() {
    return cause != null;
  }

  /** A commit failed with a full disk: shut the gate. */
  void shut(StorageFullException failure) {
    cause = failure;
    nextProbe = nanoClock.getAsLong() + PROBE_INTERVAL_NANOS;
  }

  /**
   * Tries to resume if a probe is due. Returns the newest durable position when the storage writes
   * again (the gate is then open), or empty while it is still full.
   */
  OptionalLong tryResume() {
    if (nanoClock.getAsLong() - nextProbe < 0) {
      return OptionalLong.empty();
    }
    try {
      long last = storage.resumeAfterFull();
      cause = null;
      return OptionalLong.of(last);
    } catch (StorageFullException stillFull) {
      cause = stillFull;
      nextProbe = nanoClock.getAsLong() + PROBE_INTERVAL_NANOS;
      return OptionalLong.empty();
    }
  }

  /** The error for an append refused while the gate is shut. */
  StorageFullException refusal() {
    return new StorageFullException(
        "the disk is full: nothing was written; the store resumes by itself once space is freed",
        cause);
  }
}
