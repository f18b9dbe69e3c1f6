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
 */
public record ReadPage(List<RecordedEvent> events, long next, boolean endOfRead) {
  public ReadPage {
    events = List.copyOf(events);
  }

  public boolean isEmpty() {
    return events.isEmpty();
  }
}
