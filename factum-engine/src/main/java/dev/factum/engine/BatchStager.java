package dev.factum.engine;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.MultiAppendResult;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletedException;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.CommittedState;
import dev.factum.engine.spi.StreamHead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Decides, for each command of a batch in queue order, whether it commits, is an exact retry of
 * something already committed, or is rejected; and builds the {@link CommitBatch} of everything
 * that commits.
 *
 * <p>What must stay true:
 *
 * <ul>
 *   <li>Deterministic: the outcome depends only on the committed state (the {@link CommittedState}
 *       of the batch plus the {@link HeadCache}) and the commands in order. Nothing else (time
 *       aside, which only stamps events) is consulted.
 *   <li>Each command sees the effects of the commands staged before it in the same batch, and a
 *       rejected command leaves no trace: its changes are staged in a scratch map and merged only
 *       when every part passed.
 *   <li>Positions are assigned consecutively in staging order, so commit order is position order.
 *   <li>A retry (every event id already committed as the same events of the same stream, in order)
 *       returns the original result and stages nothing; any partial or different match is an {@link
 *       IdempotencyConflictException}.
 * </ul>
 *
 * Only the writer thread uses a stager.
 */
final class BatchStager {
  private final HeadCache cache;
  private CommittedState state;

  private final List<RecordedEvent> events = new ArrayList<>();
  private final Map<String, StreamHead> heads = new HashMap<>();
  private final Map<UUID, RecordedEvent> stagedIds = new HashMap<>();
  private long nextPosition;
  private Instant timestamp = Instant.EPOCH;

  BatchStager(HeadCache cache, long nextPosition) {
    this.cache = cache;
    this.nextPosition = nextPosition;
  }

  /**
   * Starts a new batch validated against {@code committed}; {@code now} stamps its events (never
   * earlier than {@code notBefore}, the newest commit time known).
   */
  void begin(CommittedState committed, Instant now, Instant notBefore) {
    state = committed;
    if (notBefore.isAfter(timestamp)) {
      timestamp = notBefore;
    }
    events.clear();
    heads.clear();
    stagedIds.clear();
    // Commit timestamps never go backwards along the log, even if the wall clock does.
    timestamp = now.isAfter(timestamp) ? now : timestamp;
  }

  /** The position the next staged event gets. */
  long nextPosition() {
    return nextPosition;
  }

  CommitBatch batch() {
    return new CommitBatch(List.copyOf(events), Map.copyOf(heads));
  }

  /** The batch committed: its heads are now the durable state. */
  void committed() {
    cache.putAll(heads);
  }

  /**
   * Another process committed since this one last did: forget every remembered head and continue
   * the log after {@code lastPosition}.
   */
  void resync(long lastPosition) {
    cache.clear();
    nextPosition = lastPosition + 1;
  }

  /** The batch was not written: forget it, and rewind positions. */
  void abandoned() {
    nextPosition -= events.size();
    events.clear();
    heads.clear();
    stagedIds.clear();
  }

  /** What staging {@code batch} will look up: every stream it touches and every event id sent. */
  static void keysOf(List<WriteCommand> batch, Set<String> streams, List<UUID> ids) {
    for (WriteCommand command : batch) {
      switch (command) {
        case WriteCommand.Append append -> {
          for (AppendRequest part : append.parts()) {
            streams.add(part.stream());
            for (EventData data : part.events()) {
              if (data.id() != null) {
                ids.add(data.id());
              }
            }
          }
        }
        case WriteCommand.Delete delete -> streams.add(delete.stream());
      }
    }
  }

  /** Stages one command; returns its result, or throws why it is rejected. */
  Object stage(WriteCommand command) {
    return switch (command) {
      case WriteCommand.Append append -> stageAppend(append);
      case WriteCommand.Delete delete -> stageDelete(delete);
    };
  }

  private Object stageAppend(WriteCommand.Append command) {
    Map<String, StreamHead> scratch = new LinkedHashMap<>();
    List<RecordedEvent> fresh = new ArrayList<>();
    List<AppendResult> results = new ArrayList<>();
    long position = nextPosition;
    int retries = 0;
    for (AppendRequest part : command.parts()) {
      AppendResult retried = findRetry(part);
      if (retried != null) {
        results.add(retried);
        retries++;
        continue;
      }
      StreamHead head =
          scratch.containsKey(part.stream()) ? scratch.get(part.stream()) : head(part.stream());
      checkExpected(part.stream(), part.expected(), head);
      long revision = head.nextRevision();
      long firstRevision = revision;
      long firstPosition = position;
      for (EventData data : part.events()) {
        UUID id = data.id() != null ? data.id() : EventIds.next();
        fresh.add(
            new RecordedEvent(
                id,
                part.stream(),
                revision++,
                position++,
                timestamp,
                data.type(),
                data.contentType(),
                data.data(),
                data.metadata(),
                data.tags()));
      }
      scratch.put(part.stream(), head.appended(revision - 1, position - 1));
      results.add(
          new AppendResult(
              part.stream(), firstRevision, revision - 1, firstPosition, position - 1));
    }
    if (retries > 0 && retries < command.parts().size()) {
      throw new IdempotencyConflictException(
          "some streams of this append are an exact retry of a committed append and others are"
              + " not");
    }
    events.addAll(fresh);
    heads.putAll(scratch);
    for (RecordedEvent event : fresh) {
      stagedIds.put(event.id(), event);
    }
    nextPosition = position;
    return command.multi() ? new MultiAppendResult(results) : results.getFirst();
  }

  private Object stageDelete(WriteCommand.Delete command) {
    StreamHead head = head(command.stream());
    if (head.status() == StreamState.Status.NONE && !command.tombstone()) {
      throw new StreamNotFoundException(command.stream());
    }
    checkExpected(command.stream(), command.expected(), head);
    StreamHead after;
    if (command.tombstone()) {
      after = head.tombstoned();
    } else if (head.status() == StreamState.Status.DELETED) {
      after = head; // deleting a deleted stream changes nothing
    } else {
      after = head.softDeleted();
    }
    if (!after.equals(head)) {
      heads.put(command.stream(), after);
    }
    return new StreamState(command.stream(), after.status(), after.lastRevision());
  }

  /**
   * Returns the original result if every event of {@code part} carries an id that is committed (or
   * staged) as the same event of the same stream, in order; null if none of its ids is known.
   */
  private AppendResult findRetry(AppendRequest part) {
    List<EventData> sent = part.events();
    RecordedEvent[] found = new RecordedEvent[sent.size()];
    int known = 0;
    int withId = 0;
    for (int i = 0; i < sent.size(); i++) {
      UUID id = sent.get(i).id();
      if (id == null) {
        continue;
      }
      withId++;
      found[i] = lookUp(id);
      if (found[i] != null) {
        known++;
      }
    }
    if (known == 0) {
      return null;
    }
    if (withId < sent.size() || known < sent.size()) {
      throw new IdempotencyConflictException(
          known
              + " of the "
              + sent.size()
              + " events sent to '"
              + part.stream()
              + "' are already committed; an exact retry must resend all of them with their ids");
    }
    for (int i = 0; i < found.length; i++) {
      if (!sameEvent(sent.get(i), found[i], part.stream(), found[0].revision() + i)) {
        throw new IdempotencyConflictException(
            "event id "
                + sent.get(i).id()
                + " is already committed as a different event (stream '"
                + found[i].stream()
                + "', revision "
                + found[i].revision()
                + ")");
      }
    }
    RecordedEvent first = found[0];
    RecordedEvent last = found[found.length - 1];
    return new AppendResult(
        part.stream(), first.revision(), last.revision(), first.position(), last.position());
  }

  private RecordedEvent lookUp(UUID id) {
    RecordedEvent staged = stagedIds.get(id);
    if (staged != null) {
      return staged;
    }
    long position = state.findPosition(id);
    if (position < 0) {
      return null;
    }
    RecordedEvent event = state.readEvent(position);
    if (!event.id().equals(id)) {
      throw new dev.factum.api.DataCorruptedException(
          "the event-id index maps "
              + id
              + " to position "
              + position
              + ", which holds "
              + event.id());
    }
    return event;
  }

  private static boolean sameEvent(
      EventData sent, RecordedEvent committed, String stream, long revision) {
    return committed.stream().equals(stream)
        && committed.revision() == revision
        && committed.type().equals(sent.type())
        && committed.contentType().equals(sent.contentType())
        && Arrays.equals(committed.data(), sent.data())
        && Arrays.equals(committed.metadata(), sent.metadata())
        && committed.tags().equals(sent.tags());
  }

  /** The head as of everything committed or staged so far. */
  private StreamHead head(String stream) {
    StreamHead head = heads.get(stream);
    if (head != null) {
      return head;
    }
    head = cache.get(stream);
    if (head == null) {
      head = state.loadHead(stream);
      head = head == null ? StreamHead.NEW : head;
      cache.put(stream, head);
    }
    return head;
  }

  static void checkExpected(String stream, ExpectedRevision expected, StreamHead head) {
    if (head.status() == StreamState.Status.TOMBSTONED) {
      throw new StreamDeletedException(stream);
    }
    boolean ok =
        switch (expected) {
          case ExpectedRevision.Any any -> true;
          case ExpectedRevision.NoStream none -> !head.isActive();
          case ExpectedRevision.Exists exists -> head.isActive();
          case ExpectedRevision.Exact exact ->
              head.isActive() && head.lastRevision() == exact.revision();
        };
    if (!ok) {
      throw new WrongExpectedRevisionException(
          stream, expected, head.isActive() ? head.lastRevision() : StreamState.NO_REVISION);
    }
  }
}
