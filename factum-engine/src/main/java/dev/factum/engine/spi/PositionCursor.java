package dev.factum.engine.spi;

/**
 * A sorted run of log positions (one index key's entries, or a combination of runs), walked in one
 * direction: ascending positions forward, descending backward.
 */
public interface PositionCursor extends AutoCloseable {

  /**
   * Moves to the first position at or beyond {@code target} in the walk's direction (at or above it
   * forward, at or below it backward); returns false when there is none. Callers never seek
   * backwards against the direction, so a cursor already at or beyond {@code target} stays put.
   */
  boolean seek(long target);

  /** The current position; valid after {@link #seek} returned true. */
  long position();

  /** Releases what the cursor holds (index iterators). */
  @Override
  void close();
}
