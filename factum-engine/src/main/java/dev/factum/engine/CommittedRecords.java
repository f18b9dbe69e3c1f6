package dev.factum.engine;

import dev.factum.engine.spi.RecordKey;
import dev.factum.engine.spi.StoreRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The writer's memory of committed store records, present or absent, least recently used first out:
 * what {@link BatchStager} reads when it checks a record write or a {@link RecordGuard}.
 *
 * <p>Why: every ack-append's guard reads its group's definition, every record write reads the key's
 * current version, and every checkpoint flush reads the {@code done/P} records it deletes: a
 * storage read each (a RocksDB look-up and its copies), on the writer thread, between two synced
 * commits. Those are the same few keys over and over.
 *
 * <p>What must stay true: used only when this process is the sole writer of the storage, so the
 * committed records change only by this writer's commits, and every commit goes through {@link
 * #committed} (a put is remembered with its new version, a delete as absent) before the next batch
 * is staged. An entry is either what the storage holds or gone: a batch that fails is not
 * remembered, and when the durable state is unknown (after a failed commit the writer resumes from)
 * the whole memory is dropped ({@link #clear}). A miss is always safe: it reads the storage. Writer
 * thread only.
 */
final class CommittedRecords {
  private static final Object ABSENT = new Object();

  private final LinkedHashMap<RecordKey, Object> known;

  CommittedRecords(int capacity) {
    this.known =
        new LinkedHashMap<>(Math.min(capacity, 1 << 12), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<RecordKey, Object> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The committed record at {@code key} (null when none), from memory or from {@code storage}. */
  StoreRecord get(RecordKey key, Supplier<StoreRecord> storage) {
    Object found = known.get(key);
    if (found == null) {
      StoreRecord read = storage.get();
      known.put(key, read == null ? ABSENT : read);
      return read;
    }
    return found == ABSENT ? null : (StoreRecord) found;
  }

  /**
   * The committed record at {@code key} if this memory holds it, else null (absent, or not
   * remembered): for a write that needs no storage read ({@link RecordWrite#UNREAD}).
   */
  StoreRecord remembered(RecordKey key) {
    Object found = known.get(key);
    return found instanceof StoreRecord record ? record : null;
  }

  /** A batch committed these records (a null value: deleted). */
  void committed(Map<RecordKey, StoreRecord> records) {
    for (Map.Entry<RecordKey, StoreRecord> entry : records.entrySet()) {
      known.put(entry.getKey(), entry.getValue() == null ? ABSENT : entry.getValue());
    }
  }

  /** The durable state is not known any more: forget everything. */
  void clear() {
    known.clear();
  }

  int size() {
    return known.size();
  }
}
