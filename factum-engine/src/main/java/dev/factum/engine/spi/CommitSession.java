package dev.factum.engine.spi;

import java.time.Instant;

/**
 * One batch's transaction on a {@link SharedStorage}, holding the global commit lock from {@link
 * SharedStorage#beginCommit} until {@link #commit} or {@link #close}. Its reads see everything
 * committed by every process before the lock was taken. Only the writer thread uses it.
 */
public interface CommitSession extends CommittedState, AutoCloseable {

  /** The newest committed position (-1 when the log is empty), read under the lock. */
  long lastPosition();

  /**
   * A number that changes with every commit by any process (appends and deletes alike): when it
   * equals the value after this process's own last commit, nothing changed since.
   */
  long generation();

  /** The commit time of the newest event, so timestamps never go backwards across processes. */
  Instant lastTimestamp();

  /**
   * Writes the batch and commits it durably, ending the session.
   *
   * @return the {@link #generation()} after this commit
   */
  long commit(CommitBatch batch);

  /** Ends the session; rolls back and releases the lock if it did not commit. */
  @Override
  void close();
}
