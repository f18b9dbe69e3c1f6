package dev.factum.engine;

import dev.factum.api.Direction;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamMetadata;
import dev.factum.api.StreamState;
import dev.factum.api.VersionedStreamMetadata;
import dev.factum.api.WrongExpectedMetadataRevisionException;
import dev.factum.engine.spi.SharedStorage;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stream metadata (docs/LIFECYCLE.md): one store record per stream (namespace {@value #NAMESPACE},
 * key the stream name, value drawn in {@link StreamMetadataCodec}), and the rule that turns it into
 * a stream's first visible revision for every stream read.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li><b>A write is one compare-and-set through the single writer.</b> The expected metadata
 *       revision (the record's version - 1) is checked by a {@link RecordGuard} when the writer
 *       stages the write, against what is committed and staged before it; on PostgreSQL under the
 *       commit lock. A refused write writes nothing.
 *   <li><b>Reads honour a write at once.</b> Once {@link #set} returns, every read computes its
 *       first visible revision from the new settings.
 *   <li><b>The read path pays at most one lookup per read call, and nothing for a stream without
 *       metadata on a local storage.</b> On a storage only this process writes (RocksDB, in-memory)
 *       every metadata record is held in memory, loaded at open and updated by {@link #set} once
 *       the write is durable (a newer version never replaced by an older one, so racing setters
 *       leave the newest); on a shared storage (PostgreSQL) other servers set metadata too, so each
 *       read call reads the record (one point read). {@code maxAge} adds a binary search over the
 *       visible revisions' commit timestamps (which never go backwards along the log): O(log n)
 *       one-event reads, only for streams that set it.
 *   <li><b>Metadata outlives a soft delete</b> (as EventStoreDB keeps it): a recreated stream keeps
 *       its retention. A tombstoned stream refuses a write and a read of its metadata; a tombstone
 *       that races a write may leave a record that nothing ever serves.
 * </ul>
 *
 * <p>What it does not do: filter the global log. {@code readAll} and log subscriptions show every
 * committed event until scavenging removes what no stream read can see.
 */
final class StreamMetadataStore {
  static final String NAMESPACE = "factum.metadata";

  private record Cached(long version, StreamMetadata metadata) {}

  private final Storage storage;
  private final StorageGuard guard;
  private final RequestValidator validator;
  private final AppendPipeline pipeline;
  private final Clock clock;

  /** Every metadata record of the store, on a local storage; null on a shared one. */
  private final Map<String, Cached> cache;

  StreamMetadataStore(
      Storage storage,
      StorageGuard guard,
      RequestValidator validator,
      AppendPipeline pipeline,
      Clock clock) {
    this.storage = storage;
    this.guard = guard;
    this.validator = validator;
    this.pipeline = pipeline;
    this.clock = clock;
    if (storage instanceof SharedStorage) {
      this.cache = null;
    } else {
      this.cache = new ConcurrentHashMap<>();
      for (StoreRecord record : guard.read(() -> storage.readRecords(NAMESPACE))) {
        cache.put(
            record.key(), new Cached(record.version(), StreamMetadataCodec.decode(record.value())));
      }
    }
  }

  VersionedStreamMetadata get(String stream) {
    validator.checkStreamName(stream);
    return guard.read(
        () -> {
          StreamHead head = storage.loadHead(stream);
          if (head != null && head.status() == StreamState.Status.TOMBSTONED) {
            throw new StreamDeletedException(stream);
          }
          StoreRecord record = storage.readRecord(NAMESPACE, stream);
          return record == null
              ? new VersionedStreamMetadata(
                  stream, VersionedStreamMetadata.NO_METADATA, StreamMetadata.NONE)
              : new VersionedStreamMetadata(
                  stream, record.version() - 1, StreamMetadataCodec.decode(record.value()));
        });
  }

  long set(String stream, ExpectedRevision expected, StreamMetadata metadata) {
    validator.checkStreamName(stream);
    if (expected == null) {
      throw new InvalidArgumentException("expected metadata revision is missing");
    }
    if (metadata == null) {
      throw new InvalidArgumentException("metadata is missing");
    }
    if (metadata.custom() != null
        && !JsonSyntax.isObject(metadata.custom().getBytes(StandardCharsets.UTF_8))) {
      throw new InvalidArgumentException("custom metadata must be a JSON object");
    }
    VersionedStreamMetadata current = get(stream); // refuses a tombstoned stream
    long revision = current.metadataRevision();
    if (revision != VersionedStreamMetadata.NO_METADATA
        && current.metadata().equals(metadata)
        && isRetry(expected, revision)) {
      return revision; // already so: nothing to write
    }
    RecordGuard expectation =
        view -> {
          StoreRecord kept = view.read(NAMESPACE, stream);
          long actual = kept == null ? VersionedStreamMetadata.NO_METADATA : kept.version() - 1;
          if (!matches(expected, actual)) {
            throw new WrongExpectedMetadataRevisionException(stream, expected, actual);
          }
        };
    byte[] value = StreamMetadataCodec.encode(metadata);
    List<RecordWrite> write = List.of(RecordWrite.put(NAMESPACE, stream, value, RecordWrite.ANY));
    @SuppressWarnings("unchecked")
    List<Long> versions =
        (List<Long>)
            StoreRecords.join(
                () -> {
                  // Not through StoreRecords.submit: the key is a stream name, checked against the
                  // store's own name limits above, not the records' default ones.
                  CompletableFuture<Object> future = new CompletableFuture<>();
                  pipeline.submit(new WriteCommand.Records(write, expectation, future));
                  return future;
                });
    long version = versions.getFirst();
    if (cache != null) {
      cache.merge(
          stream,
          new Cached(version, metadata),
          (old, fresh) -> old.version() > fresh.version() ? old : fresh);
    }
    return version - 1;
  }

  /** Whether a write expecting {@code expected} of metadata now at {@code actual} is a retry. */
  private static boolean isRetry(ExpectedRevision expected, long actual) {
    return matches(expected, actual) || matches(expected, actual - 1);
  }

  private static boolean matches(ExpectedRevision expected, long actual) {
    return switch (expected) {
      case ExpectedRevision.Any any -> true;
      case ExpectedRevision.NoStream none -> actual == VersionedStreamMetadata.NO_METADATA;
      case ExpectedRevision.Exists exists -> actual != VersionedStreamMetadata.NO_METADATA;
      case ExpectedRevision.Exact exact -> exact.revision() == actual;
    };
  }

  /**
   * The first revision of {@code stream} a read can see: the largest of the head's (a soft delete),
   * {@code truncateBefore}, {@code lastRevision + 1 - maxCount} and the first revision committed
   * within {@code maxAge} of now. Events beyond {@code maxPosition} (not yet published) count as
   * young. Runs inside the caller's {@link StorageGuard#read}.
   */
  long firstVisible(String stream, StreamHead head, long maxPosition) {
    return firstVisible(stream, head, maxPosition, lookup(stream));
  }

  /**
   * The first visible revision as the scavenger must compute it: from the committed record itself
   * (never the cache, which follows a write only once it is durable) together with the version it
   * was computed from (0: no record), which the writer checks again before it removes anything.
   */
  ScavengeFloor scavengeFloor(String stream, StreamHead head, long maxPosition) {
    StoreRecord record = storage.readRecord(NAMESPACE, stream);
    StreamMetadata metadata = record == null ? null : StreamMetadataCodec.decode(record.value());
    return new ScavengeFloor(
        firstVisible(stream, head, maxPosition, metadata), record == null ? 0 : record.version());
  }

  /** A first visible revision and the metadata record version it was computed from. */
  record ScavengeFloor(long firstVisible, long metadataVersion) {}

  private long firstVisible(
      String stream, StreamHead head, long maxPosition, StreamMetadata metadata) {
    long first = head.firstVisibleRevision();
    if (metadata == null || !metadata.limitsReads()) {
      return first;
    }
    if (metadata.truncateBefore() != null) {
      first = Math.max(first, metadata.truncateBefore());
    }
    if (metadata.maxCount() != null) {
      first = Math.max(first, head.lastRevision() + 1 - metadata.maxCount());
    }
    if (metadata.maxAge() != null && first <= head.lastRevision()) {
      Instant cutoff = clock.instant().minus(metadata.maxAge());
      first = firstCommittedSince(stream, first, head.lastRevision(), cutoff, maxPosition);
    }
    return first;
  }

  /** The metadata a read applies, or null when the stream has none. */
  private StreamMetadata lookup(String stream) {
    if (cache != null) {
      Cached cached = cache.get(stream);
      return cached == null ? null : cached.metadata();
    }
    StoreRecord record = storage.readRecord(NAMESPACE, stream);
    return record == null ? null : StreamMetadataCodec.decode(record.value());
  }

  /**
   * The smallest revision in {@code [low, high]} committed at or after {@code cutoff}, or {@code
   * high + 1} when none is: a binary search, valid because commit timestamps never go backwards.
   */
  private long firstCommittedSince(
      String stream, long low, long high, Instant cutoff, long maxPosition) {
    long lo = low;
    long hi = high + 1; // invariant: revisions below lo are older than cutoff, hi and up are not
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      List<RecordedEvent> at =
          storage.readStream(stream, mid, Direction.FORWARD, 1, low, maxPosition);
      boolean young = at.isEmpty() || !at.getFirst().timestamp().isBefore(cutoff);
      if (young) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
