package dev.factum.api;

import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.api.snapshots.Snapshots;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An event store: streams of events with optimistic concurrency, and a gap-free, commit-ordered
 * global log.
 *
 * <p>Guarantees, for every implementation:
 *
 * <ul>
 *   <li>An append (one or many events, one or many streams) is wholly committed or not at all.
 *   <li>Success is returned only once the data is on stable storage.
 *   <li>Positions are consecutive integers from 0 in commit order; once any reader has seen
 *       position {@code p}, no event with a smaller position can appear later.
 *   <li>Revisions in a stream are consecutive from 0.
 *   <li>Re-sending an append whose event ids are committed as the same events of the same stream
 *       returns the original result and writes nothing.
 *   <li>Bad input is rejected with {@link ErrorCode#INVALID_ARGUMENT} before anything is written.
 * </ul>
 *
 * Implementations are thread-safe.
 */
public interface EventStore extends AutoCloseable {

  /** Reading from this revision or position means "from the end" (for backward reads). */
  long END = Long.MAX_VALUE;

  /** Appends events to one stream, waiting until they are durable. */
  default AppendResult append(AppendRequest request) {
    return Futures.join(appendAsync(request));
  }

  /** Appends events to one stream, waiting until they are durable. */
  default AppendResult append(String stream, ExpectedRevision expected, List<EventData> events) {
    return append(new AppendRequest(stream, expected, events));
  }

  /**
   * Appends events to one stream if {@code condition} holds (see {@link AppendCondition}), waiting
   * until they are durable.
   *
   * @throws AppendConditionFailedException if an event matching the condition's query exists after
   *     its position
   */
  default AppendResult append(
      String stream, ExpectedRevision expected, List<EventData> events, AppendCondition condition) {
    return append(new AppendRequest(stream, expected, events, condition));
  }

  /** Appends events to one stream; the future completes once they are durable. */
  CompletableFuture<AppendResult> appendAsync(AppendRequest request);

  /**
   * Appends to several streams atomically: every request's expectation must hold, or nothing is
   * written. The events of all requests get consecutive positions, in request order. A request's
   * {@link AppendRequest#condition()} is checked against the log as it was before this append (the
   * events of the other requests of this append do not count).
   */
  default MultiAppendResult appendAll(List<AppendRequest> requests) {
    return Futures.join(appendAllAsync(requests));
  }

  /** Asynchronous form of {@link #appendAll(List)}. */
  CompletableFuture<MultiAppendResult> appendAllAsync(List<AppendRequest> requests);

  /**
   * Reads up to {@code limit} events of a stream starting at revision {@code from} ({@link #END}
   * for the last event when reading backward). Revisions below the stream's first visible revision
   * (a soft delete, or its {@link StreamMetadata}) are never returned; the page's {@link
   * ReadPage#firstRevision()} says where the visible stream starts.
   *
   * @throws StreamNotFoundException if the stream never existed or is soft-deleted
   * @throws StreamDeletedException if the stream is tombstoned
   */
  ReadPage readStream(String stream, long from, Direction direction, int limit);

  /**
   * Reads up to {@code limit} events of the global log starting at position {@code from} ({@link
   * #END} for the newest when reading backward), keeping only those {@code filter} matches. A
   * filtered read uses the filter's index: its cost follows the events returned, not the log.
   */
  ReadPage readAll(long from, Direction direction, int limit, LogFilter filter);

  /** Reads the global log by a Dynamic Consistency Boundary query; see {@link LogFilter#query}. */
  default ReadPage readByQuery(Query query, long from, Direction direction, int limit) {
    return readAll(from, direction, limit, LogFilter.query(query));
  }

  /** The state of a stream. */
  StreamState streamState(String stream);

  /**
   * Lists streams by name prefix and/or category, a page at a time, from the stream heads (the
   * events are not read): every stream ever written or deleted, with its status, so soft-deleted
   * and tombstoned streams are listed as such. Its cost follows the page, not the store: an index
   * seek per page. Stores that do not offer listings throw {@link UnsupportedOperationException}.
   */
  default StreamPage listStreams(StreamQuery query) {
    throw new UnsupportedOperationException("this EventStore does not list streams");
  }

  /**
   * Soft-deletes a stream: it then reads as not found, and can be recreated by an append, whose
   * revisions continue after the deleted ones. Its events stay in the global log, and the delete
   * commits a {@link StreamDeletion} event to {@value StreamDeletion#STREAM} (its own position in
   * the log). Deleting a stream already soft-deleted and not written since changes nothing and
   * commits no event.
   */
  StreamState delete(String stream, ExpectedRevision expected);

  /**
   * Tombstones a stream: it can never be read or written again. Commits a {@link StreamDeletion}
   * event, like {@link #delete}.
   */
  StreamState tombstone(String stream, ExpectedRevision expected);

  /**
   * Replays events read from a log (an export), atomically and in order, keeping each event's id,
   * stream, revision and timestamp: the way to copy a store faithfully. Deletion events ({@link
   * StreamDeletion}) are replayed as the deletes they record, at the same point. Rules: each
   * event's revision is its stream's next revision (a deletion's {@code truncateBefore} is the
   * deleted stream's next revision); timestamps never go backwards and are not older than the
   * store's newest event; positions are assigned by this store (equal to the source's when the
   * whole log is imported into an empty store). An import whose event ids are all committed as
   * exactly these events is a retry: it returns the original positions and writes nothing. Ordinary
   * appends can never set a timestamp.
   */
  ImportResult importEvents(List<RecordedEvent> events);

  /** The position of the newest committed event, or -1 for an empty store. */
  long headPosition();

  /** Starts a subscription; deliveries happen on a thread of the store's. */
  Subscription subscribe(SubscriptionRequest request, SubscriptionListener listener);

  /**
   * The store's consumer groups (server-side checkpoints, competing consumers in stream order).
   * Stores that do not offer them throw {@link UnsupportedOperationException}.
   */
  default ConsumerGroups consumerGroups() {
    throw new UnsupportedOperationException("this EventStore does not offer consumer groups yet");
  }

  /**
   * The store's snapshots of aggregate state (see {@link Snapshots}). Stores that do not offer them
   * throw {@link UnsupportedOperationException}.
   */
  default Snapshots snapshots() {
    throw new UnsupportedOperationException("this EventStore does not offer snapshots");
  }

  /**
   * The metadata of a stream (see {@link StreamMetadata}): its settings and its own metadata
   * revision, {@link VersionedStreamMetadata#NO_METADATA} with {@link StreamMetadata#NONE} when it
   * was never set. A stream needs no events to have metadata.
   *
   * @throws StreamDeletedException if the stream is tombstoned
   */
  default VersionedStreamMetadata streamMetadata(String stream) {
    throw new UnsupportedOperationException("this EventStore does not offer stream metadata");
  }

  /**
   * Replaces a stream's metadata, if its metadata revision is as {@code expected} ({@link
   * ExpectedRevision#noStream()}: never set; {@link ExpectedRevision#exists()}: set; exact: that
   * metadata revision; any). Reads honour the new settings as soon as this returns. A stream that
   * has no events yet may get metadata (retention set before the first event); a tombstoned one may
   * not. Setting what is already set writes nothing and returns the current metadata revision, also
   * when {@code expected} is the revision just before it (a retry).
   *
   * @return the new metadata revision
   * @throws WrongExpectedMetadataRevisionException if the metadata revision is not as expected
   * @throws StreamDeletedException if the stream is tombstoned
   */
  default long setStreamMetadata(
      String stream, ExpectedRevision expected, StreamMetadata metadata) {
    throw new UnsupportedOperationException("this EventStore does not offer stream metadata");
  }

  /**
   * Forgets a data subject (crypto-shredding, docs/LIFECYCLE.md): destroys the key its events' data
   * and metadata are encrypted under, durably, once this returns. From then on every read of those
   * events (streams, the log, subscriptions, consumer groups, exports) shows them with {@link
   * RecordedEvent#redacted()} set and the redaction marker as data; their ids, types, streams,
   * revisions, positions and tags stay.
   *
   * @throws SubjectNotFoundException if the store holds no key for {@code subject}
   * @throws EncryptionUnavailableException if the store was opened without a master key
   */
  default void forget(String subject) {
    throw new UnsupportedOperationException("this EventStore does not offer crypto-shredding");
  }

  /**
   * The head of the store's hash chain over its global log (see {@link ChainHead}): note it
   * elsewhere to check the store against later ({@code factum verify --anchor}). Stores without a
   * chain throw {@link UnsupportedOperationException}.
   */
  default ChainHead chainHead() {
    throw new UnsupportedOperationException("this EventStore keeps no hash chain");
  }

  /**
   * Starts a scavenging run in the background (docs/LIFECYCLE.md, "Scavenging"), or returns the
   * running one: removes from disk what no read can see any more, at most {@code eventsPerSecond}
   * events a second (0: the store's default). Reads and appends go on meanwhile and see nothing
   * change: only invisible events are removed, and log positions are never reused.
   */
  default ScavengeStatus startScavenge(long eventsPerSecond) {
    throw new UnsupportedOperationException("this EventStore does not offer scavenging");
  }

  /** The current or last scavenging run ({@link ScavengeStatus#NEVER}). */
  default ScavengeStatus scavengeStatus() {
    throw new UnsupportedOperationException("this EventStore does not offer scavenging");
  }

  /**
   * Closes the store: finishes what is queued, ends subscriptions (with {@link
   * StoreClosedException}), releases the storage. Idempotent.
   */
  @Override
  void close();
}
