package dev.factum.engine;

import dev.factum.api.Direction;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.RecordConflictException;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.api.StreamState;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.spi.ListedStream;
import dev.factum.engine.spi.Removal;
import dev.factum.engine.spi.RemovedEvent;
import dev.factum.engine.spi.Storage;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.engine.spi.StreamHead;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The store's scavenger (docs/LIFECYCLE.md, "Scavenging"): removes from the storage what no read
 * can see any more, online, in the background, throttled, resumable after a crash.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li><b>Only the invisible is removed.</b> A stream's floor is its first visible revision as
 *       every read computes it (soft delete, {@code maxCount}, {@code maxAge}, {@code
 *       truncateBefore}), computed from the committed metadata record, whose version the writer
 *       checks again when it stages the removal ({@link WriteCommand.Scavenge}); the last event of
 *       a stream that is not deleted stays (it is the stream's head). Everything of a tombstoned
 *       stream goes. Heads, limits and the clock only ever raise a floor, so one computed a moment
 *       ago is never above the current one unless the metadata changed, which the check catches.
 *   <li><b>Removal is permanent for reads too.</b> The same commit raises the head's first visible
 *       revision to the floor, so relaxing the metadata later never asks for a removed revision.
 *   <li><b>Through the single writer.</b> Each step (at most {@value #CHUNK} events of one stream)
 *       is one commit with the progress record, so after a crash the store holds exactly the steps
 *       acknowledged, and the run resumes after the last stream it finished (steps are idempotent:
 *       a stream visited again has nothing left below its floor). The writer only writes revisions
 *       after a stream's last, and removals lie below its first visible one: they never meet.
 *   <li><b>Throttled</b> to at most the run's events per second, so appends keep their latency.
 * </ul>
 *
 * What it does not do: remove the event-id index entry of a removed event (a retry of the append is
 * still recognised, by stream and revision), or touch any record but its own progress.
 */
final class Scavenger {
  static final String NAMESPACE = "factum.scavenge";
  static final String KEY = "progress";
  static final int CHUNK = 512;
  static final int STREAM_PAGE = 256;

  /** The rate of a run started with 0. */
  static final long DEFAULT_EVENTS_PER_SECOND = 50_000;

  private final Storage storage;
  private final StorageGuard guard;
  private final AppendPipeline pipeline;
  private final StreamMetadataStore metadata;
  private final LongSupplier publishedHead;
  private final Clock clock;

  private volatile ScavengeStatus status;
  private Thread worker;
  private volatile boolean stopping;

  /**
   * Whether the running run began in an earlier process: its removals from before the restart are
   * not among those the storage saw, so the run ends with {@link Storage#reclaimAllSpace}.
   */
  private volatile boolean resumed;

  Scavenger(
      Storage storage,
      StorageGuard guard,
      AppendPipeline pipeline,
      StreamMetadataStore metadata,
      LongSupplier publishedHead,
      Clock clock) {
    this.storage = storage;
    this.guard = guard;
    this.pipeline = pipeline;
    this.metadata = metadata;
    this.publishedHead = publishedHead;
    this.clock = clock;
    StoreRecord record = guard.read(() -> storage.readRecord(NAMESPACE, KEY));
    this.status =
        record == null ? ScavengeStatus.NEVER : ScavengeProgressCodec.decode(record.value());
  }

  ScavengeStatus status() {
    return status;
  }

  /** Starts a run (or returns the running one). */
  synchronized ScavengeStatus start(long eventsPerSecond) {
    if (eventsPerSecond < 0) {
      throw new InvalidArgumentException(
          "eventsPerSecond must be 0 (the default) or more, was " + eventsPerSecond);
    }
    if (!storage.supportsRemoval()) {
      throw new UnsupportedOperationException("this storage cannot scavenge");
    }
    if (status.isRunning() && worker != null && worker.isAlive()) {
      return status; // a finished run's thread may still be exiting: only a running one counts
    }
    long rate = eventsPerSecond == 0 ? DEFAULT_EVENTS_PER_SECOND : eventsPerSecond;
    ScavengeStatus fresh =
        new ScavengeStatus(
            ScavengeStatus.State.RUNNING,
            status.runId() + 1,
            clock.instant(),
            null,
            publishedHead.getAsLong(),
            null,
            0,
            0,
            0,
            -1,
            rate,
            null);
    writeProgress(fresh);
    launch(fresh, false);
    return fresh;
  }

  /** At open: a run the last process did not finish (it crashed or was closed) goes on. */
  synchronized void resumeIfInterrupted() {
    if (status.isRunning() && storage.supportsRemoval()) {
      launch(status, true);
    }
  }

  private void launch(ScavengeStatus from, boolean fromEarlierProcess) {
    status = from;
    stopping = false;
    resumed = fromEarlierProcess;
    worker = new Thread(() -> run(from), "factum-scavenger");
    worker.setDaemon(true);
    worker.start();
  }

  /** Stops a run (its progress stays RUNNING, so the next open resumes it). */
  void close() {
    Thread running;
    synchronized (this) {
      running = worker;
      stopping = true;
    }
    if (running != null) {
      running.interrupt();
      try {
        running.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run(ScavengeStatus from) {
    Throttle throttle = new Throttle(from.eventsPerSecond());
    ScavengeStatus at = from;
    try {
      String cursor = from.streamCursor();
      while (!stopping) {
        String after = cursor;
        long head = publishedHead.getAsLong();
        List<ListedStream> page =
            guard.read(() -> storage.listStreams("", after, STREAM_PAGE, head));
        for (ListedStream listed : page) {
          at = scavengeStream(listed.stream(), at, throttle);
          cursor = listed.stream();
          at = with(at, cursor, at.streamsVisited() + 1, 0, 0);
          status = at;
          if (stopping) {
            return;
          }
        }
        writeProgress(at);
        if (page.size() < STREAM_PAGE) {
          break;
        }
      }
      if (stopping) {
        return;
      }
      long reclaimed = guard.read(resumed ? storage::reclaimAllSpace : storage::reclaimSpace);
      at = finish(at, ScavengeStatus.State.DONE, reclaimed, null);
      writeProgress(at);
    } catch (StoreClosedException e) {
      // the store closes: the record still says running, and the next open resumes the run
    } catch (RuntimeException e) {
      if (stopping || Thread.currentThread().isInterrupted()) {
        return;
      }
      at = finish(at, ScavengeStatus.State.FAILED, at.bytesReclaimed(), String.valueOf(e));
      status = at;
      try {
        writeProgress(at);
      } catch (RuntimeException again) {
        // the status in memory says why; the record stays RUNNING and the next open retries
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes what no read of {@code stream} can see, in steps; returns the status after it. */
  private ScavengeStatus scavengeStream(String stream, ScavengeStatus at, Throttle throttle)
      throws InterruptedException {
    ScavengeStatus now = at;
    for (int attempt = 0; attempt < 5 && !stopping; attempt++) {
      try {
        return removeBelowFloor(stream, now, throttle);
      } catch (RecordConflictException metadataChanged) {
        now = status; // look again with the new metadata
      }
    }
    return now;
  }

  private ScavengeStatus removeBelowFloor(String stream, ScavengeStatus at, Throttle throttle)
      throws InterruptedException {
    ScavengeStatus now = at;
    while (!stopping) {
      long head = publishedHead.getAsLong();
      StreamHead streamHead = guard.read(() -> storage.loadHead(stream));
      if (streamHead == null || streamHead.lastRevision() < 0) {
        return now;
      }
      long floor;
      long version;
      if (streamHead.status() == StreamState.Status.TOMBSTONED) {
        floor = streamHead.nextRevision();
        version = metadataVersion(stream);
      } else {
        StreamMetadataStore.ScavengeFloor computed =
            guard.read(() -> metadata.scavengeFloor(stream, streamHead, head));
        floor = computed.firstVisible();
        version = computed.metadataVersion();
        if (streamHead.status() == StreamState.Status.ACTIVE) {
          floor = Math.min(floor, streamHead.lastRevision()); // the head's event stays
        }
      }
      if (floor <= 0) {
        return now;
      }
      List<RecordedEvent> page =
          guard.read(() -> storage.readStream(stream, 0, Direction.FORWARD, CHUNK, 0, head));
      List<Removal> removals = new ArrayList<>(page.size());
      long bytes = 0;
      for (RecordedEvent event : page) {
        if (event.revision() >= floor) {
          break;
        }
        removals.add(new Removal(event, reasonOf(event, streamHead)));
        bytes += event.data().length + (event.metadata() == null ? 0 : event.metadata().length);
      }
      if (removals.isEmpty()) {
        return now;
      }
      throttle.acquire(removals.size());
      ScavengeStatus after =
          with(now, now.streamCursor(), now.streamsVisited(), removals.size(), bytes);
      CompletableFuture<Object> future = new CompletableFuture<>();
      pipeline.submit(
          new WriteCommand.Scavenge(
              stream, version, floor, List.copyOf(removals), progressWrite(after), future));
      StoreRecords.join(() -> future);
      now = after;
      status = now;
      if (removals.size() < CHUNK && removals.size() < page.size()) {
        return now; // reached the floor
      }
    }
    return now;
  }

  private long metadataVersion(String stream) {
    StoreRecord record =
        guard.read(() -> storage.readRecord(StreamMetadataStore.NAMESPACE, stream));
    return record == null ? 0 : record.version();
  }

  private static RemovedEvent.Reason reasonOf(RecordedEvent event, StreamHead head) {
    if (head.status() == StreamState.Status.TOMBSTONED) {
      return RemovedEvent.Reason.TOMBSTONED;
    }
    return event.revision() < head.firstVisibleRevision()
        ? RemovedEvent.Reason.DELETED
        : RemovedEvent.Reason.RETENTION;
  }

  private void writeProgress(ScavengeStatus progress) {
    status = progress;
    StoreRecords.join(
        () -> {
          CompletableFuture<Object> future = new CompletableFuture<>();
          pipeline.submit(
              new WriteCommand.Records(progressWrite(progress), RecordGuard.NONE, future));
          return future;
        });
  }

  private static List<RecordWrite> progressWrite(ScavengeStatus progress) {
    return List.of(
        RecordWrite.put(NAMESPACE, KEY, ScavengeProgressCodec.encode(progress), RecordWrite.ANY));
  }

  private static ScavengeStatus with(
      ScavengeStatus s, String cursor, long visited, long removed, long bytes) {
    return new ScavengeStatus(
        s.state(),
        s.runId(),
        s.startedAt(),
        s.finishedAt(),
        s.headPosition(),
        cursor,
        visited,
        s.eventsRemoved() + removed,
        s.bytesRemoved() + bytes,
        s.bytesReclaimed(),
        s.eventsPerSecond(),
        s.failure());
  }

  private ScavengeStatus finish(
      ScavengeStatus s, ScavengeStatus.State state, long reclaimed, String failure) {
    return new ScavengeStatus(
        state,
        s.runId(),
        s.startedAt(),
        clock.instant(),
        s.headPosition(),
        s.streamCursor(),
        s.streamsVisited(),
        s.eventsRemoved(),
        s.bytesRemoved(),
        reclaimed,
        s.eventsPerSecond(),
        failure);
  }

  /** At most {@code perSecond} events over the run: sleeps when ahead of the budget. */
  private static final class Throttle {
    private final long perSecond;
    private final long startNanos = System.nanoTime();
    private long granted;

    Throttle(long perSecond) {
      this.perSecond = perSecond;
    }

    void acquire(int events) throws InterruptedException {
      granted += events;
      long dueNanos = granted * 1_000_000_000L / perSecond;
      long aheadNanos = dueNanos - (System.nanoTime() - startNanos);
      if (aheadNanos > 0) {
        TimeUnit.NANOSECONDS.sleep(aheadNanos);
      }
    }
  }
}
