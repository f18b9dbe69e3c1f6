package dev.factum.projections;

/**
 * What a projection's runner is doing.
 *
 * @param generation the definition's generation (1, then +1 per change): its state is rebuilt from
 *     the log for each
 * @param lag events of the log from the projection's checkpoint to the head (an upper bound: the
 *     log's other events count too)
 * @param applied events applied by this process since the generation started here
 * @param parked events parked (a projection state that would be too large)
 * @param lastError the last failure, or null
 */
public record ProjectionStatus(
    String name, long generation, long lag, long applied, int parked, String lastError) {}
