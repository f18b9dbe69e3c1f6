package dev.factum.engine.spi;

import dev.factum.api.Query;
import dev.factum.api.RecordedEvent;
import java.util.UUID;

/**
 * The committed state the writer validates a batch against: stream heads, the event-id index, the
 * type and tag indexes (for append conditions) and the store records. A {@link Storage} answers
 * from its own durable state; a {@link CommitSession} of a {@link SharedStorage} answers from
 * inside the transaction that holds the global commit lock.
 */
public interface CommittedState {

  /** The stored head of {@code stream}, or null when the stream was never written or deleted. */
  StreamHead loadHead(String stream);

  /** The position of the committed event with this id, or -1 when there is none. */
  long findPosition(UUID eventId);

  /**
   * The position of the first committed event after {@code after} and not beyond {@code
   * maxPosition} that {@code query} matches, or -1 when there is none. Served from the type and tag
   * indexes (never a scan of the log); it is how the writer checks an {@link
   * dev.factum.api.AppendCondition}.
   */
  long firstMatch(Query query, long after, long maxPosition);

  /** The event at {@code position}. */
  RecordedEvent readEvent(long position);

  /**
   * What stays at {@code position} if scavenging removed its event, else null (also for a position
   * that holds an event). {@link #findPosition} keeps answering a removed event's position, and the
   * writer asks this before {@link #readEvent} so that a retry of a removed append is recognised.
   */
  default RemovedEvent removedAt(long position) {
    return null;
  }

  /** The committed record under ({@code namespace}, {@code key}), or null when there is none. */
  StoreRecord readRecord(String namespace, String key);
}
