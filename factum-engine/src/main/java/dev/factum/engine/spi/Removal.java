package dev.factum.engine.spi;

import dev.factum.api.RecordedEvent;

/**
 * One event a commit batch removes (scavenging, docs/LIFECYCLE.md): the storage drops its data and
 * its stream-index and filter-index entries, and keeps at its position what {@link RemovedEvent}
 * describes, so the position is never reused and reads can tell "removed" from "missing".
 *
 * <p>The event is carried whole (read by the scavenger before it queued the removal) so that the
 * storage knows every index entry to delete without reading the event again on the writer thread.
 * Only revisions below the stream's first visible revision are ever removed, and the writer never
 * writes those again: a removal never races an append of the same key.
 *
 * @param event the event as stored
 * @param reason why no read can see it any more
 */
public record Removal(RecordedEvent event, RemovedEvent.Reason reason) {

  /** What stays of the event at its position. */
  public RemovedEvent stub() {
    return new RemovedEvent(event.position(), event.stream(), event.revision(), event.id(), reason);
  }
}
