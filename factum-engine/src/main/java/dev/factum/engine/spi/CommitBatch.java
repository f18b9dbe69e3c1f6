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
 * @param records the new state of every {@link StoreRecord} the batch writes (at most one per key,
 *     in key order, each with the version the writer assigned; when several writes of a key met in
 *     the batch, that is the last one's, more than one above the stored version)
 * @param deletedRecords the keys of records the batch deletes, in key order; a storage applies them
 *     before {@code records}, so a key in both is deleted and then written anew (at version 1).
 *     Deleting an absent key is allowed and changes nothing.
 * @param removals events scavenging removes (see {@link Removal}), in position order; only a
 *     storage whose {@link Storage#supportsRemoval} is true gets any
 */
public record CommitBatch(
    List<RecordedEvent> events,
    Map<String, StreamHead> heads,
    List<StoreRecord> records,
    List<RecordKey> deletedRecords,
    List<Removal> removals) {

  /** A batch that removes nothing. */
  public CommitBatch(
      List<RecordedEvent> events,
      Map<String, StreamHead> heads,
      List<StoreRecord> records,
      List<RecordKey> deletedRecords) {
    this(events, heads, records, deletedRecords, List.of());
  }

  /** A batch of events and heads only. */
  public CommitBatch(List<RecordedEvent> events, Map<String, StreamHead> heads) {
    this(events, heads, List.of(), List.of());
  }

  public boolean isEmpty() {
    return events.isEmpty()
        && heads.isEmpty()
        && records.isEmpty()
        && deletedRecords.isEmpty()
        && removals.isEmpty();
  }
}
