package dev.factum.api.scavenge;

import java.time.Instant;
import java.util.Locale;

/**
 * Where the store's scavenger stands (docs/LIFECYCLE.md, "Scavenging"): the current or last run.
 *
 * <p>A run visits every stream in name order and removes what no read can see any more: events
 * below a stream's first visible revision (retention by {@code maxCount}, {@code maxAge}, {@code
 * truncateBefore}, a soft delete) and every event of a tombstoned stream. Its progress is a store
 * record written with each removal, so a run interrupted by a crash resumes after the last stream
 * it finished when the store is opened again.
 *
 * @param state {@link State#IDLE} (never run), running, done or failed
 * @param runId counts the runs of this store (1 for the first; 0 when none ever ran)
 * @param startedAt when the run began, null when none ever ran
 * @param finishedAt when it ended, null while running or when none ever ran
 * @param headPosition the newest log position when the run began: it removes only what was
 *     invisible by then or later
 * @param streamCursor the last stream the run finished (null before the first one)
 * @param streamsVisited streams the run has looked at so far
 * @param eventsRemoved events the run removed
 * @param bytesRemoved the stored bytes of the events it removed (their log records)
 * @param bytesReclaimed disk bytes given back by compaction after removal, where the storage can
 *     tell; -1 while unknown
 * @param eventsPerSecond the run's throttle (events removed per second at most)
 * @param failure why a failed run stopped, else null
 */
public record ScavengeStatus(
    State state,
    long runId,
    Instant startedAt,
    Instant finishedAt,
    long headPosition,
    String streamCursor,
    long streamsVisited,
    long eventsRemoved,
    long bytesRemoved,
    long bytesReclaimed,
    long eventsPerSecond,
    String failure) {

  /** What the scavenger is doing. */
  public enum State {
    IDLE,
    RUNNING,
    DONE,
    FAILED;

    /** The wire name: lower case. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The status of a store that never scavenged. */
  public static final ScavengeStatus NEVER =
      new ScavengeStatus(State.IDLE, 0, null, null, -1, null, 0, 0, 0, -1, 0, null);

  public boolean isRunning() {
    return state == State.RUNNING;
  }
}
