package dev.factum.projections;

/**
 * What a projection's runner is doing.
 *
 * @param generation the definition's generation (1, then +1 per change): its state is rebuilt from
 *     the log for each
 * @param checkpoint every event of the log below this position is applied to the projection (or was
 *     not of its feed): the next position its runner will look at
 * @param lag events of the log from the projection's checkpoint to the head (an upper bound: the
 *     log's other events count too)
 * @param state {@link State#REBUILDING} until the runner has caught up with the log's head as it
 *     was when the runner started, {@link State#LIVE} from then on
 * @param applied events applied by this process since the generation started here
 * @param parked events parked (a projection state that would be too large)
 * @param lastError the last failure, or null
 */
public record ProjectionStatus(
    String name,
    long generation,
    long checkpoint,
    long lag,
    State state,
    long applied,
    int parked,
    String lastError) {

  /** Whether a projection is still building its state from the log or following its head. */
  public enum State {
    /**
     * Catching up: a new generation reads the log from its start; after a restart, a runner reads
     * on from its checkpoint. Queries answer the state built so far.
     */
    REBUILDING,
    /** Caught up once with the head the log had when the runner started; it follows appends. */
    LIVE
  }
}
