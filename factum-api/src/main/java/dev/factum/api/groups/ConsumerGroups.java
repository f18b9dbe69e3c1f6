package dev.factum.api.groups;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import java.time.Duration;
import java.util.List;

/**
 * Consumer groups: server-side checkpoints and competing consumers in stream order.
 *
 * <p>Delivery is at-least-once. An event of stream S is handed out only when every earlier event of
 * S in the group is acked or parked, so one stream's events are never processed concurrently or out
 * of order, while different streams are spread over the consumers. Acks may come in any order; the
 * group's checkpoint is the position below which everything is acked or parked, and it only moves
 * forward. An un-acked delivery times out after the ack timeout and is handed out again (to any
 * consumer); after the last retry an event is parked, and the rest of its stream carries on. See
 * docs/CONSUMERS.md.
 *
 * <p>Errors: {@link dev.factum.api.GroupNotFoundException}, {@link
 * dev.factum.api.GroupExistsException}, {@link dev.factum.api.NotDeliveredException} (an ack, nack
 * or park of an event not delivered to that consumer now), {@link
 * dev.factum.api.InvalidArgumentException} for bad names and settings; a rejected call changes
 * nothing.
 */
public interface ConsumerGroups {

  GroupStatus create(GroupDefinition definition);

  /** Changes a group's settings (its source and start are fixed); applies to later deliveries. */
  GroupStatus update(String group, GroupSettings settings);

  /** Deletes the group, its checkpoint and its parked events. */
  void delete(String group);

  GroupStatus status(String group);

  List<GroupStatus> list();

  /**
   * Hands {@code consumer} up to {@code max} events (bounded by its free in-flight slots), waiting
   * up to {@code wait} for at least one. A consumer joins by polling; it leaves by {@link #leave}
   * or by going silent (its deliveries time out).
   */
  List<Delivery> poll(String group, String consumer, int max, Duration wait);

  void ack(String group, String consumer, long position);

  /** Retry later (after the backoff), or park if this was the last attempt. */
  void nack(String group, String consumer, long position, String reason);

  void park(String group, String consumer, long position, String reason);

  /**
   * Appends {@code request} and acks {@code positions} (each delivered to {@code consumer}) in one
   * atomic commit: either the events are written and the positions acked, or neither. An event
   * acked this way is never acked again, so a handler that writes its output with this call has its
   * effect exactly once, redeliveries included (the second ack-append fails with {@link
   * dev.factum.api.NotDeliveredException} and writes nothing).
   */
  AppendResult appendAndAck(
      String group, String consumer, List<Long> positions, AppendRequest request);

  /** The consumer leaves: its in-flight events are handed out again at once. */
  void leave(String group, String consumer);

  List<ParkedEvent> parked(String group);

  /** Hands a parked event out again; acked, it leaves the parked list. */
  void replayParked(String group, long position);

  /** Drops a parked event from the parked list: it stays done. */
  void skipParked(String group, long position);

  /**
   * Waits up to {@code timeout} until the group has acked or parked every event of its source at or
   * below {@code position} (e.g. the position an append returned): read-your-writes for a read
   * model fed by the group.
   *
   * @return whether it has
   */
  boolean awaitProcessed(String group, long position, Duration timeout);
}
