package dev.factum.engine.spi;

import java.util.Collection;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * A storage that several Factum processes write at once, such as one PostgreSQL database behind
 * many stateless servers.
 *
 * <p>Design note: the engine's writer is single only within one process, so what it remembers
 * (stream heads, the next position) can be stale the moment another process commits. Against a
 * shared storage the writer therefore validates each batch inside a {@link CommitSession}, which
 * holds the storage's global commit lock from before the batch is validated until it is durable.
 * That keeps every rule exact across processes:
 *
 * <ul>
 *   <li>Commits are serialized by the lock, and positions are assigned under it from the last
 *       committed position, so positions are dense and commit-ordered across all processes (no
 *       sequence-number holes, no late commits).
 *   <li>Expected-revision and idempotency checks read heads and event ids committed by anyone,
 *       under the lock, so they cannot race with another process.
 * </ul>
 *
 * A failed commit here does not stop the store: its outcome is unknown (the caller retries with the
 * same event ids, which is exact), and the next batch reads the committed state afresh.
 *
 * <p>Readers of a shared storage see every committed event: its reads are consistent snapshots, and
 * because commits are serialized, every snapshot holds a gap-free prefix of the log.
 */
public interface SharedStorage extends Storage {

  /**
   * Takes the global commit lock and opens the transaction that will hold one batch, loading the
   * heads of {@code streams} and the positions of {@code eventIds} (what staging the batch will
   * look up) as of after the lock was taken. Lookups of anything else still work, one by one.
   */
  CommitSession beginCommit(Collection<String> streams, Collection<UUID> eventIds);

  /**
   * Tells {@code listener} the newest committed position whenever the storage learns of commits
   * made by any process (notifications, with polling as the fallback), from a thread of its own,
   * until the storage closes. Positions passed never decrease.
   */
  void watchCommits(LongConsumer listener);
}
