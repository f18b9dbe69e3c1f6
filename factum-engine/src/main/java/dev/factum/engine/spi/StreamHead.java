package dev.factum.engine.spi;

import dev.factum.api.StreamState;

/**
 * What the writer needs to know of a stream to validate an append: its last revision, where its
 * visible events start, and whether it is deleted. Stored by the storage, one per stream ever
 * written or deleted.
 *
 * @param lastRevision revision of the stream's last event, or {@link StreamState#NO_REVISION}
 * @param lastPosition global position of that event, or -1
 * @param firstVisibleRevision revisions below this are hidden by a soft delete
 * @param status active, soft-deleted or tombstoned ({@link StreamState.Status#NONE} is never
 *     stored)
 */
public record StreamHead(
    long lastRevision, long lastPosition, long firstVisibleRevision, StreamState.Status status) {

  /** The head of a stream that was never written. */
  public static final StreamHead NEW =
      new StreamHead(StreamState.NO_REVISION, -1, 0, StreamState.Status.NONE);

  /** Whether the stream currently counts as existing for expected-revision checks. */
  public boolean isActive() {
    return status == StreamState.Status.ACTIVE;
  }

  /** The revision the next appended event gets. */
  public long nextRevision() {
    return lastRevision + 1;
  }

  /** This head after appending events up to {@code revision} at {@code position}. */
  public StreamHead appended(long revision, long position) {
    return new StreamHead(revision, position, firstVisibleRevision, StreamState.Status.ACTIVE);
  }

  /** This head after a soft delete: every existing revision is hidden. */
  public StreamHead softDeleted() {
    return new StreamHead(lastRevision, lastPosition, lastRevision + 1, StreamState.Status.DELETED);
  }

  /** This head after a tombstone. */
  public StreamHead tombstoned() {
    return new StreamHead(
        lastRevision, lastPosition, lastRevision + 1, StreamState.Status.TOMBSTONED);
  }
}
