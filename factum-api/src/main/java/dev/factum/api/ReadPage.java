package dev.factum.api;

import java.util.List;

/**
 * A page of a read.
 *
 * <p>{@code next} is where the following page starts: a revision for stream reads, a position for
 * global-log reads. {@code endOfRead} is true when this page reached the end of what exists now
 * (the stream's or log's head going forward, its start going backward). A forward read that reached
 * the end still has a meaningful {@code next}: poll from it later to see what is appended since. A
 * backward read that reached the start has {@code next == -1}.
 *
 * <p>{@code firstRevision}, on a page of a stream read, is the stream's first visible revision when
 * the page was read: revisions below it are hidden by a soft delete or by the stream's metadata
 * ({@link StreamMetadata}), so a read from revision 0 starts there. It is {@link #NOT_A_STREAM} on
 * pages of the global log.
 */
public record ReadPage(
    List<RecordedEvent> events, long next, boolean endOfRead, long firstRevision) {
  /** The {@link #firstRevision} of a page that is not of a stream read. */
  public static final long NOT_A_STREAM = -1;

  public ReadPage {
    events = List.copyOf(events);
  }

  /** A page of the global log (no {@link #firstRevision}). */
  public ReadPage(List<RecordedEvent> events, long next, boolean endOfRead) {
    this(events, next, endOfRead, NOT_A_STREAM);
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }
}
