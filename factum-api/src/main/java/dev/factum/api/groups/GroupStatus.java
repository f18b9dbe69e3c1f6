package dev.factum.api.groups;

/**
 * What a consumer group is doing now.
 *
 * @param checkpoint every event of the source below this position is acked or parked (the next
 *     position to be processed, or the read position when nothing is outstanding)
 * @param durableCheckpoint the checkpoint as last persisted (may trail {@code checkpoint} by the
 *     flush interval: the redelivery window after a crash)
 * @param lag events of the log from the checkpoint to the head (an upper bound for filtered
 *     sources)
 * @param lagSeconds the age of the oldest event not yet done (acked or parked) that this process
 *     holds, from its commit time: 0 when every event read is done
 * @param inFlight deliveries not yet acked, nacked or timed out
 * @param parked parked events
 * @param consumers consumers seen within the ack timeout
 * @param delivered deliveries so far (since open)
 * @param redeliveries deliveries after a nack or a timeout (since open)
 */
public record GroupStatus(
    GroupDefinition definition,
    long checkpoint,
    long durableCheckpoint,
    long lag,
    double lagSeconds,
    int inFlight,
    int parked,
    int consumers,
    long delivered,
    long redeliveries) {}
