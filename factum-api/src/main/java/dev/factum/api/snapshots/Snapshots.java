package dev.factum.api.snapshots;

import java.util.Optional;

/**
 * The snapshots of a store: at most one per stream, the newest (see docs/LIFECYCLE.md).
 *
 * <p>What must stay true: a snapshot is only ever served for the stream's current life. It is saved
 * only for a revision the stream holds and can be read ({@link
 * dev.factum.api.InvalidArgumentException} otherwise, {@link
 * dev.factum.api.StreamNotFoundException} for a stream with no events, {@link
 * dev.factum.api.StreamDeletedException} for a tombstoned one), and {@link #load} answers nothing
 * once the stream is deleted (soft or tombstone), even after it is written again, since its
 * revision is then below the first visible one.
 */
public interface Snapshots {

  /**
   * Stores {@code snapshot} unless the stream already has a newer one (a higher revision), durably
   * before it returns.
   *
   * @return true when stored; false when a newer snapshot was kept instead
   */
  boolean save(Snapshot snapshot);

  /** The stream's snapshot, when it has one that is still valid. */
  Optional<Snapshot> load(String stream);
}
