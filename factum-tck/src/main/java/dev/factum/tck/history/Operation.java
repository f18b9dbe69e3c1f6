package dev.factum.tck.history;

import dev.factum.api.Query;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One operation of a recorded history: what a client asked, when (invocation and completion, in
 * {@link System#nanoTime()} of one JVM) and what it was told.
 *
 * <p>Times bracket the operation: whatever the server did for it happened somewhere between them.
 * That is all a checker may assume, and all that real-time order ("A completed before B began")
 * means.
 */
public sealed interface Operation {
  int client();

  long invokedAt();

  long completedAt();

  /** The expected revision {@code any}, in {@link Append#expected()}. */
  long ANY = Long.MIN_VALUE;

  /** The expected revision {@code no_stream}, in {@link Append#expected()}: no event yet. */
  long NO_STREAM = -1;

  /**
   * An append to one stream.
   *
   * @param expected the expected revision: the revision of the stream's last event, {@link
   *     #NO_STREAM} or {@link #ANY}
   * @param eventIds the ids of the events sent, in order (unique in the history)
   * @param facts the type and tags of each event sent, in order, for checking DCB conditions (empty
   *     when not recorded: such events are never taken to match a query)
   * @param condition the append's DCB condition, or null
   */
  record Append(
      int client,
      String stream,
      long expected,
      List<UUID> eventIds,
      long invokedAt,
      long completedAt,
      AppendOutcome outcome,
      List<EventFacts> facts,
      Condition condition)
      implements Operation {
    public Append {
      eventIds = List.copyOf(eventIds);
      facts = List.copyOf(facts);
      if (eventIds.isEmpty()) {
        throw new IllegalArgumentException("an append has events");
      }
      if (!facts.isEmpty() && facts.size() != eventIds.size()) {
        throw new IllegalArgumentException("facts are recorded for every event or for none");
      }
    }

    /** An append without a DCB condition and without event facts. */
    public Append(
        int client,
        String stream,
        long expected,
        List<UUID> eventIds,
        long invokedAt,
        long completedAt,
        AppendOutcome outcome) {
      this(client, stream, expected, eventIds, invokedAt, completedAt, outcome, List.of(), null);
    }

    boolean exact() {
      return expected != ANY;
    }

    @Override
    public String toString() {
      return String.format(
          "append by client %d to %s of %d events expecting %s [%d..%d] -> %s",
          client,
          stream,
          eventIds.size(),
          expected == ANY ? "any" : expected == NO_STREAM ? "no_stream" : Long.toString(expected),
          invokedAt,
          completedAt,
          outcome);
    }
  }

  /**
   * A read of a whole stream from revision 0, as returned (a stream that does not exist reads as
   * empty).
   */
  record Read(int client, String stream, List<ReadEvent> events, long invokedAt, long completedAt)
      implements Operation {
    public Read {
      events = List.copyOf(events);
    }

    @Override
    public String toString() {
      return String.format(
          "read by client %d of %s (%d events) [%d..%d]",
          client, stream, events.size(), invokedAt, completedAt);
    }
  }

  /** What a DCB query looks at in an event: its type and tags. */
  record EventFacts(String type, Set<String> tags) {
    public EventFacts {
      tags = Set.copyOf(tags);
    }
  }

  /**
   * A DCB condition: the append must fail if an event matching {@code query} lies at a position
   * above {@code after} (-1: any position).
   */
  record Condition(Query query, long after) {}

  /** An event as a read returned it. */
  record ReadEvent(UUID id, long revision, long position) {}

  /** What an append was told. */
  sealed interface AppendOutcome {}

  /** Appended: revisions and positions of its first and last events. */
  record Ok(long firstRevision, long lastRevision, long firstPosition, long lastPosition)
      implements AppendOutcome {}

  /**
   * Rejected because the stream was elsewhere: its actual last revision ({@link #NO_STREAM} when it
   * has no event).
   */
  record Conflict(long actualRevision) implements AppendOutcome {}

  /** Rejected because its DCB condition failed on the event at {@code conflictingPosition}. */
  record ConditionFailed(long conflictingPosition) implements AppendOutcome {}

  /** No answer (a timeout, a broken connection, a 5xx): it may or may not have happened. */
  record Unknown(String why) implements AppendOutcome {}
}
