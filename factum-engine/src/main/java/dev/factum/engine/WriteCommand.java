package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.spi.Removal;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting in the writer's queue, with the future its caller waits on. Commands are
 * validated (shape and limits) before they are queued; the writer checks them against the stream
 * heads.
 */
sealed interface WriteCommand {

  /** Event bytes this command holds in the queue (for the queue's byte bound). */
  long bytes();

  /** Events this command appends (for the batch bound). */
  int eventCount();

  CompletableFuture<?> future();

  /** An append to one stream ({@code multi} false) or an atomic append to several. */
  record Append(
      List<AppendRequest> parts,
      boolean multi,
      long bytes,
      int eventCount,
      CompletableFuture<Object> future)
      implements WriteCommand {}

  /**
   * A replay of exported events (and deletion events) keeping ids, revisions and timestamps; see
   * {@link dev.factum.api.EventStore#importEvents}.
   */
  record Import(List<RecordedEvent> events, long bytes, CompletableFuture<Object> future)
      implements WriteCommand {
    @Override
    public int eventCount() {
      return events.size();
    }
  }

  /**
   * An append that commits only together with changes to store records (e.g. a consumer's output
   * events with the acks of the events it handled), all or nothing. An exact retry of a committed
   * append returns its original result and writes no records (they committed with it). {@code
   * gather}, when not null, is this append's share of a record it writes together with the other
   * appends of the batch that carry one of the same kind ({@link RecordGather}).
   */
  record AppendWithRecords(
      Append append, List<RecordWrite> writes, RecordGuard guard, RecordGather gather)
      implements WriteCommand {
    @Override
    public long bytes() {
      return append.bytes();
    }

    @Override
    public int eventCount() {
      return append.eventCount();
    }

    @Override
    public CompletableFuture<Object> future() {
      return append.future();
    }
  }

  /**
   * Changes to store records only, committed together if {@code guard} and every expected version
   * hold. The result is the list of new versions (0 for a delete), one per write.
   */
  record Records(List<RecordWrite> writes, RecordGuard guard, CompletableFuture<Object> future)
      implements WriteCommand {
    @Override
    public long bytes() {
      long bytes = 0;
      for (RecordWrite write : writes) {
        bytes += write.isDelete() ? 0 : write.value().length;
      }
      return bytes;
    }

    @Override
    public int eventCount() {
      return 0;
    }
  }

  /** A soft delete or a tombstone. */
  record Delete(
      String stream, ExpectedRevision expected, boolean tombstone, CompletableFuture<Object> future)
      implements WriteCommand {
    @Override
    public long bytes() {
      return 0;
    }

    @Override
    public int eventCount() {
      return 0;
    }
  }

  /**
   * A step of scavenging ({@link Scavenger}): raises {@code stream}'s first visible revision to
   * {@code floor} and removes {@code removals} (all below it), together with the scavenger's
   * progress {@code records}, in one commit. Committed only if the stream's metadata record is
   * still at {@code metadataVersion} (0: none): the floor was computed from it, and a metadata
   * change could have made some of those revisions visible again. The result is the count removed.
   */
  record Scavenge(
      String stream,
      long metadataVersion,
      long floor,
      List<Removal> removals,
      List<RecordWrite> records,
      CompletableFuture<Object> future)
      implements WriteCommand {
    @Override
    public long bytes() {
      return 0; // one at a time from the scavenger; the queue's byte bound is for appends
    }

    @Override
    public int eventCount() {
      return 0;
    }
  }
}
