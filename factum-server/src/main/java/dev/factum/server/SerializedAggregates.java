package dev.factum.server;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.IdempotencyConflictException;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.wire.ProblemCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Serialized aggregates over native streams: versions, saves, loads and retries, all through the
 * caller's {@link AuthorizedStore}.
 *
 * <p>What must stay true: a batch is one native append, and its expected version is checked by the
 * native writer: the save reads the stream's head (its last revision and the version its last batch
 * created), then appends with the expected revision of that last event, so of two racing saves of
 * the same version exactly one commits and the other is a {@code 409}. A save without {@code
 * expectedVersion} is retried on such a race (its version is recomputed), so versions stay exact. A
 * batch whose event ids are already the stream's batch (a retry of a save that committed) is
 * answered as committed, writes nothing, and reports the version it created.
 */
final class SerializedAggregates {
  /** How far back a retry is looked for, and how many events a head lookup scans. */
  private static final int LOOKBACK = 1_000;

  private static final int READ_PAGE = 1_000;
  private static final int HEAD_SCAN = 100;
  private static final int UNCHECKED_RACES = 16;

  private SerializedAggregates() {}

  /** An aggregate's current version and the native expectation that version stands for. */
  record Head(long version, ExpectedRevision expected) {}

  /** A batch as loaded: its version and its events. */
  record LoadedBatch(long version, List<RecordedEvent> events) {}

  /** A load page: its batches, the aggregate's version, whether batches follow. */
  record Loaded(List<LoadedBatch> batches, long version, boolean hasMore) {}

  /**
   * The head: normally from the stream's last event alone (written through this API); when other
   * events follow the last batch, from the newest batch among the last {@link #HEAD_SCAN}.
   */
  static Head head(AuthorizedStore store, String stream) {
    ReadPage last;
    try {
      last = store.readStream(stream, EventStore.END, Direction.BACKWARD, 1);
      if (!last.isEmpty() && SerializedMapping.batch(last.events().getFirst()) == null) {
        last = store.readStream(stream, EventStore.END, Direction.BACKWARD, HEAD_SCAN);
      }
    } catch (StreamNotFoundException e) {
      return new Head(0, ExpectedRevision.noStream());
    }
    if (last.isEmpty()) {
      return new Head(0, ExpectedRevision.noStream());
    }
    long version = 0;
    for (RecordedEvent event : last.events()) {
      SerializedMapping.Batch batch = SerializedMapping.batch(event);
      if (batch != null) {
        version = batch.version();
        break;
      }
    }
    return new Head(version, ExpectedRevision.exact(last.events().getFirst().revision()));
  }

  /** Saves one batch; returns the version it created (or created before, for a retry). */
  static long save(AuthorizedStore store, String stream, SerializedJson.Batch batch) {
    for (int race = 0; ; race++) {
      Head head = head(store, stream);
      if (batch.expectedVersion() != null && batch.expectedVersion() != head.version()) {
        return committedBefore(store, stream, batch)
            .orElseThrow(() -> conflict(stream, batch.expectedVersion(), head.version()));
      }
      long version = head.version() + 1;
      try {
        store.append(new AppendRequest(stream, head.expected(), events(batch, version)));
        return version;
      } catch (WrongExpectedRevisionException | IdempotencyConflictException e) {
        Long before = committedBefore(store, stream, batch).orElse(null);
        if (before != null) {
          return before;
        }
        if (batch.expectedVersion() != null
            || e instanceof IdempotencyConflictException
            || race >= UNCHECKED_RACES) {
          throw conflict(stream, batch.expectedVersion(), head.version());
        }
      }
    }
  }

  /** Saves batches of several aggregates of one type in one atomic native append. */
  static void saveAll(AuthorizedStore store, String type, List<SerializedJson.Batch> batches) {
    boolean unchecked = batches.stream().allMatch(b -> b.expectedVersion() == null);
    for (int race = 0; ; race++) {
      List<AppendRequest> parts = new ArrayList<>(batches.size());
      boolean allCommitted = true;
      for (SerializedJson.Batch batch : batches) {
        String stream = SerializedMapping.stream(type, batch.aggregateId());
        Head head = head(store, stream);
        boolean committed = committedBefore(store, stream, batch).isPresent();
        allCommitted &= committed;
        if (!committed
            && batch.expectedVersion() != null
            && batch.expectedVersion() != head.version()) {
          throw conflict(stream, batch.expectedVersion(), head.version());
        }
        parts.add(new AppendRequest(stream, head.expected(), events(batch, head.version() + 1)));
      }
      if (allCommitted) {
        return;
      }
      try {
        store.appendAll(parts);
        return;
      } catch (WrongExpectedRevisionException | IdempotencyConflictException e) {
        if (!unchecked || e instanceof IdempotencyConflictException || race >= UNCHECKED_RACES) {
          throw new HttpProblem(
              ProblemCode.WRONG_EXPECTED_REVISION,
              "an aggregate of the bulk save changed concurrently; nothing was written");
        }
      }
    }
  }

  private static List<EventData> events(SerializedJson.Batch batch, long version) {
    List<EventData> events = new ArrayList<>(batch.events().size());
    int size = batch.events().size();
    for (int i = 0; i < size; i++) {
      events.add(batch.events().get(i).toEventData(version, size, i));
    }
    return events;
  }

  private static HttpProblem conflict(String stream, Long expected, long actual) {
    return new HttpProblem(
        ProblemCode.WRONG_EXPECTED_REVISION,
        "aggregate "
            + stream
            + " is at version "
            + actual
            + (expected == null ? "" : ", not the expected " + expected));
  }

  /**
   * The version a batch created, when its event ids are already, in order, one batch of the stream
   * among its last {@link #LOOKBACK} events: the batch is then a retry.
   */
  static Optional<Long> committedBefore(
      AuthorizedStore store, String stream, SerializedJson.Batch batch) {
    ReadPage page;
    try {
      page = store.readStream(stream, EventStore.END, Direction.BACKWARD, LOOKBACK);
    } catch (StreamNotFoundException e) {
      return Optional.empty();
    }
    List<UUID> ids = batch.ids();
    List<RecordedEvent> events = page.events().reversed();
    for (int i = 0; i + ids.size() <= events.size(); i++) {
      if (!events.get(i).id().equals(ids.getFirst())) {
        continue;
      }
      SerializedMapping.Batch first = SerializedMapping.batch(events.get(i));
      if (first == null || first.index() != 0 || first.size() != ids.size()) {
        return Optional.empty();
      }
      for (int j = 1; j < ids.size(); j++) {
        if (!events.get(i + j).id().equals(ids.get(j))) {
          return Optional.empty();
        }
      }
      return Optional.of(first.version());
    }
    return Optional.empty();
  }

  /**
   * Batches with versions after {@code since}, at most {@code limit}; {@code null} when the
   * aggregate does not exist (never saved, or deleted).
   */
  static Loaded load(AuthorizedStore store, String stream, long since, int limit) {
    List<LoadedBatch> batches = new ArrayList<>();
    List<RecordedEvent> current = null;
    long currentVersion = -1;
    long version = 0;
    boolean hasMore = false;
    long from = 0;
    try {
      while (true) {
        ReadPage page = store.readStream(stream, from, Direction.FORWARD, READ_PAGE);
        for (RecordedEvent event : page.events()) {
          SerializedMapping.Batch batch = SerializedMapping.batch(event);
          if (batch == null) {
            continue;
          }
          version = batch.version();
          if (batch.version() <= since) {
            continue;
          }
          if (batch.version() != currentVersion) {
            if (batches.size() == limit) {
              hasMore = true;
              continue;
            }
            current = new ArrayList<>(batch.size());
            currentVersion = batch.version();
            batches.add(new LoadedBatch(currentVersion, current));
          }
          if (current != null && batch.version() == currentVersion) {
            current.add(event);
          }
        }
        if (page.endOfRead() || page.isEmpty()) {
          break;
        }
        from = page.next();
      }
    } catch (StreamNotFoundException e) {
      return null;
    }
    if (version == 0) {
      return null;
    }
    return new Loaded(List.copyOf(batches), version, hasMore);
  }
}
