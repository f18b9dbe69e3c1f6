package dev.factum.engine.spi;

import dev.factum.api.RecordedEvent;
import java.util.List;
import java.util.Map;

/**
 * One group commit: everything the writer validated in one batch, to be made durable atomically.
 *
 * @param events new events, with consecutive positions in ascending order (may be empty, e.g. a
 *     batch of deletes)
 * @param heads the new head of every stream the batch changed
 */
public record CommitBatch(List<RecordedEvent> events, Map<String, StreamHead> heads) {
  public boolean isEmpty() {
    return events.isEmpty() && heads.isEmpty();
  }
}
