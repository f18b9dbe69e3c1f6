package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.RecordedEvent;
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
}
