package dev.factum.api;

/**
 * Where an append landed: its events have revisions {@code firstRevision..lastRevision} in {@code
 * stream} and positions {@code firstPosition..lastPosition} in the global log (consecutive). {@code
 * lastRevision} is the expected revision for the stream's next append.
 */
public record AppendResult(
    String stream, long firstRevision, long lastRevision, long firstPosition, long lastPosition) {

  /** The revision to expect on the next append: that of the last event written. */
  public long nextExpectedRevision() {
    return lastRevision;
  }
}
