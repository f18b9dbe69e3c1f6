package dev.factum.api;

/**
 * The state of a stream. {@code lastRevision} is the revision of its last event ({@link
 * #NO_REVISION} when it has none). A soft-deleted stream keeps its last revision, so that numbering
 * continues when it is recreated.
 */
public record StreamState(String stream, Status status, long lastRevision) {
  /** The revision reported for a stream with no events. */
  public static final long NO_REVISION = -1;

  /** What a stream is. */
  public enum Status {
    /** Never written. */
    NONE,
    /** Has events and can be read and written. */
    ACTIVE,
    /** Soft-deleted: reads as not found; can be recreated, with numbering continuing. */
    DELETED,
    /** Tombstoned: can never be read or written again. */
    TOMBSTONED
  }

  public boolean exists() {
    return status == Status.ACTIVE;
  }
}
