package dev.factum.api.groups;

import dev.factum.api.RecordedEvent;

/**
 * One event handed to one consumer of a group. Ack, nack or park it by its position.
 *
 * @param attempt 1 for the first delivery, then +1 per redelivery (after a nack or a timeout)
 * @param replay whether this is a parked event handed out again by {@link
 *     ConsumerGroups#replayParked}
 */
public record Delivery(RecordedEvent event, int attempt, boolean replay) {
  public long position() {
    return event.position();
  }
}
