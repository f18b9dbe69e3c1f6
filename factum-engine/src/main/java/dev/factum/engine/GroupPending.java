package dev.factum.engine;

import dev.factum.api.RecordedEvent;

/**
 * One buffered event of a consumer group and where its delivery stands: ready to hand out, in
 * flight to a consumer, backing off after a failed attempt, or committing (its ack-append or park
 * is being written). A replayed parked event has no partition slice: it is handed out outside the
 * stream order and never counts for a checkpoint.
 *
 * <p>Plain state, guarded by the owning {@link GroupRuntime}'s monitor; {@link GroupHandout} must
 * hear of every change of {@link #state} ({@link GroupHandout#changed}) so its index of handable
 * events stays true.
 */
final class GroupPending {
  enum State {
    READY,
    IN_FLIGHT,
    BACKOFF,
    COMMITTING
  }

  final RecordedEvent event;
  final boolean replay;
  final GroupSlice slice; // null for a replay
  int attempts;
  State state = State.READY;
  String consumer;
  long deadline;
  long readyAt;
  int deadlineSlot = -1; // its index in the runtime's GroupDeadlines, or -1

  GroupPending(RecordedEvent event, boolean replay, int attempts, GroupSlice slice) {
    this.event = event;
    this.replay = replay;
    this.attempts = attempts;
    this.slice = slice;
  }

  long position() {
    return event.position();
  }

  /** Ready to hand out, or its backoff is over. */
  boolean isDue(long now) {
    return state == State.READY || (state == State.BACKOFF && readyAt - now <= 0);
  }

  /** Ready or backing off: a candidate for hand-out once it heads its stream. */
  boolean isWaiting() {
    return state == State.READY || state == State.BACKOFF;
  }
}
