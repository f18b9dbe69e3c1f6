package dev.factum.engine.spi;

import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StorageFailureException;
import java.nio.file.Path;
import java.util.List;

/**
 * The storage SPI: what the engine needs from a storage engine. The engine owns validation,
 * ordering and concurrency; a storage only persists commit batches atomically and durably and
 * answers reads.
 *
 * <p>Threading: {@link #commit}, {@link #loadHead} and {@link #findPosition} are called by the
 * single writer thread of the store (the latter two also by readers); reads come from any thread.
 * Reads pass {@code maxPosition}, the newest position published to readers, and must not return
 * events beyond it.
 *
 * <p>Errors: any exception from {@link #commit} leaves the batch's outcome unknown, and the store
 * stops (fail-stop), except {@link dev.factum.api.StorageFullException}: then appends are refused
 * with {@code storage-full} until {@link #resumeAfterFull} succeeds, and the store carries on (a
 * {@link SharedStorage} is never fail-stop: only the failed batch fails). A corrupt record is
 * reported as {@link dev.factum.api.DataCorruptedException}, never returned as data.
 */
public interface Storage extends CommittedState, AutoCloseable {

  /** The position of the newest durable event after recovery, or -1 when empty. */
  long lastPosition();

  /** Makes the batch durable, atomically. Returns only once it is on stable storage. */
  void commit(CommitBatch batch);

  /**
   * Up to {@code limit} events of {@code stream} starting at revision {@code from}, in {@code
   * direction}, skipping revisions below {@code minRevision} and stopping at events whose position
   * exceeds {@code maxPosition}.
   */
  List<RecordedEvent> readStream(
      String stream, long from, Direction direction, int limit, long minRevision, long maxPosition);

  /**
   * Up to {@code limit} events of the global log matching {@code filter}, starting at position
   * {@code from} in {@code direction}, never beyond {@code maxPosition}. Filtered reads use an
   * index, not a scan of the log.
   */
  List<RecordedEvent> readLog(
      long from, Direction direction, int limit, LogFilter filter, long maxPosition);

  /**
   * Up to {@code limit} streams whose name starts with {@code prefix} (empty for any) and is
   * greater than {@code after} (null for no bound), in the byte order of their UTF-8 names, each
   * with its head: every stream ever written or deleted, deleted and tombstoned ones included. A
   * stream whose first event is beyond {@code maxPosition} is not listed yet, and a listed head is
   * as of {@code maxPosition} where the storage can tell. The cost is an index seek plus the page,
   * never a scan of the log or of the streams before {@code after}.
   */
  List<ListedStream> listStreams(String prefix, String after, int limit, long maxPosition);

  /** A one-event {@link #readLog} by the query: the storage's query index serves the check. */
  @Override
  default long firstMatch(Query query, long after, long maxPosition) {
    List<RecordedEvent> first =
        readLog(after + 1, Direction.FORWARD, 1, LogFilter.query(query), maxPosition);
    return first.isEmpty() ? -1 : first.getFirst().position();
  }

  /**
   * Every committed record of {@code namespace}, in key order (read at open by the features that
   * keep their state in records; namespaces are meant to stay small).
   */
  List<StoreRecord> readRecords(String namespace);

  /**
   * After a commit failed with {@link dev.factum.api.StorageFullException}: makes the storage
   * writable again if space has been freed, and returns the position of the newest durable event,
   * read again from storage (the failed batch may or may not have become durable). Throws {@link
   * dev.factum.api.StorageFullException} while still full; any other exception stops the store. The
   * default cannot resume, which makes a full disk stop the store (fail-stop).
   */
  default long resumeAfterFull() {
    throw new StorageFailureException(
        "this storage cannot resume after a full disk; reopen the store");
  }

  /** Numbers the storage reports about itself for metrics; none by default. */
  default List<StorageGauge> gauges() {
    return List.of();
  }

  /**
   * Backs up the live store into {@code directory} (created if needed) while it keeps serving:
   * consistent (every commit acknowledged before the call began is in it), checked after writing
   * (restored into a scratch copy that the store verifier reads), and incremental where the storage
   * can share files with earlier backups in the same directory. The default has no online backup.
   */
  default BackupReport backup(Path directory) {
    throw new UnsupportedOperationException(
        "this storage has no online backup (PostgreSQL: see docs/OPERATIONS.md, Backup and restore)");
  }

  /**
   * Whether {@link #commit} applies {@link CommitBatch#removals} (scavenging). A storage without
   * removal is never given any, and the store refuses to scavenge it.
   */
  default boolean supportsRemoval() {
    return false;
  }

  /**
   * After removals: gives the space of the data removed since the last call back to the file system
   * where the storage can (RocksDB compacts the ranges the removals touched, paced), and returns
   * the bytes its files shrank by, or -1 when it cannot tell. Runs on the scavenger's thread while
   * the store serves.
   */
  default long reclaimSpace() {
    return -1;
  }

  /**
   * As {@link #reclaimSpace}, for removals this process may not have written itself (a run resumed
   * after a restart): a storage that tracks what removals touched in memory reclaims everything it
   * could hold. The default is {@link #reclaimSpace}.
   */
  default long reclaimAllSpace() {
    return reclaimSpace();
  }

  /** Reads everything and checks every invariant of the stored data. */
  VerifyReport verify();

  /**
   * {@link #verify()}, and the hash chain must pass through {@code anchor} (null: no anchor). The
   * default, for a storage that keeps no chain, refuses an anchor.
   */
  default VerifyReport verify(ChainAnchor anchor) {
    if (anchor == null) {
      return verify();
    }
    throw new UnsupportedOperationException("this storage keeps no hash chain");
  }

  /**
   * The head of the hash chain over the global log (see {@link HashChain}), as of the newest commit
   * this process knows; null for a storage that keeps no chain.
   */
  default ChainHead chainHead() {
    return null;
  }

  @Override
  void close();
}
