package dev.factum.engine;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LimitExceededException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.snapshots.Snapshot;
import dev.factum.api.snapshots.Snapshots;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The store's snapshots: one store record per stream (namespace {@value #NAMESPACE}), so they need
 * nothing of a storage beyond what every storage already does for records (see docs/LIFECYCLE.md).
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>A snapshot is served only for the stream's current life: {@link #load} checks it against
 *       the stream's head on every read (revision at least the first visible one, at most the last,
 *       the stream not tombstoned). So a delete needs no cleanup of snapshots, and a delete that
 *       races a save can leave a stale record that is never served.
 *   <li>A save never replaces a newer snapshot: the writer compares revisions when it stages the
 *       save, against what is committed and staged before it, so two racing takers keep the newer.
 *   <li>A refused save writes nothing.
 * </ul>
 */
final class StreamSnapshots implements Snapshots {
  static final String NAMESPACE = "factum.snapshots";

  private final Storage storage;
  private final StorageGuard guard;
  private final RequestValidator validator;
  private final AppendPipeline pipeline;
  private final int maxBytes;

  StreamSnapshots(
      Storage storage,
      StorageGuard guard,
      RequestValidator validator,
      AppendPipeline pipeline,
      int maxBytes) {
    this.storage = storage;
    this.guard = guard;
    this.validator = validator;
    this.pipeline = pipeline;
    this.maxBytes = maxBytes;
  }

  @Override
  public boolean save(Snapshot snapshot) {
    if (snapshot == null) {
      throw new InvalidArgumentException("the snapshot is missing");
    }
    String stream = snapshot.stream();
    validator.checkStreamName(stream);
    if (snapshot.data().length > maxBytes) {
      throw new LimitExceededException(
          LimitExceededException.Limit.EVENT_BYTES,
          maxBytes,
          snapshot.data().length,
          String.format(
              Locale.ROOT,
              "a snapshot may hold at most %d bytes (the event size limit), was %d",
              maxBytes,
              snapshot.data().length));
    }
    StreamHead head = guard.read(() -> storage.loadHead(stream));
    checkSavable(stream, head, snapshot.revision());
    long revision = snapshot.revision();
    List<RecordWrite> write =
        List.of(
            RecordWrite.put(NAMESPACE, stream, SnapshotCodec.encode(snapshot), RecordWrite.ANY));
    try {
      // Not through StoreRecords.submit: a snapshot may be as large as an event, beyond the
      // records' own value limit (the storages take values of any size).
      RecordGuard newerKept =
          view -> {
            StoreRecord kept = view.read(NAMESPACE, stream);
            if (kept != null && SnapshotCodec.revision(kept.value()) > revision) {
              throw new RecordConflictException("a newer snapshot of " + stream + " is kept");
            }
          };
      StoreRecords.join(
          () -> {
            CompletableFuture<Object> future = new CompletableFuture<>();
            pipeline.submit(new WriteCommand.Records(write, newerKept, future));
            return future;
          });
      return true;
    } catch (RecordConflictException newerKept) {
      return false;
    }
  }

  private static void checkSavable(String stream, StreamHead head, long revision) {
    if (head == null || head.status() == StreamState.Status.NONE) {
      throw new StreamNotFoundException(stream);
    }
    if (head.status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    if (head.status() == StreamState.Status.DELETED) {
      throw new StreamNotFoundException(stream); // soft-deleted and not written since
    }
    if (revision > head.lastRevision()) {
      throw new InvalidArgumentException(
          "a snapshot of "
              + stream
              + " at revision "
              + revision
              + " is beyond the stream's last revision "
              + head.lastRevision());
    }
    if (revision < head.firstVisibleRevision()) {
      throw new InvalidArgumentException(
          "a snapshot of "
              + stream
              + " at revision "
              + revision
              + " is below its first visible revision "
              + head.firstVisibleRevision()
              + " (deleted)");
    }
  }

  @Override
  public Optional<Snapshot> load(String stream) {
    validator.checkStreamName(stream);
    return guard.read(
        () -> {
          StoreRecord record = storage.readRecord(NAMESPACE, stream);
          if (record == null) {
            return Optional.empty();
          }
          Snapshot snapshot = SnapshotCodec.decode(stream, record.value());
          StreamHead head = storage.loadHead(stream);
          boolean current =
              head != null
                  && head.status() != StreamState.Status.TOMBSTONED
                  && head.status() != StreamState.Status.NONE
                  && snapshot.revision() >= head.firstVisibleRevision()
                  && snapshot.revision() <= head.lastRevision();
          return current ? Optional.of(snapshot) : Optional.empty();
        });
  }
}
