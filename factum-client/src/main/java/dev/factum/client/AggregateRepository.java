package dev.factum.client;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import dev.factum.api.snapshots.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Event-sourced aggregates on any {@link EventStore}: an aggregate's state is the fold of its
 * stream's events, and a command turns the current state into new events, appended only if nobody
 * wrote to the stream since the state was loaded.
 *
 * <p>Design note: this is optimistic concurrency, the way the store is meant to be used. {@link
 * #execute} loads the state with its revision, lets the command decide, and appends with {@link
 * ExpectedRevision#exact} (or {@link ExpectedRevision#noStream} for a new aggregate). If another
 * writer got there first, the store refuses the whole append with a {@link
 * WrongExpectedRevisionException}; the repository then reloads and decides again on the fresh
 * state, up to {@code maxAttempts} times. A command that is refused (it throws) writes nothing.
 *
 * <p>What must stay true: a command's events are appended only on the exact state it decided on, so
 * invariants checked by commands hold for the stream as a whole, whatever the concurrency. It uses
 * only the {@link EventStore} interface, so it works the same embedded and over HTTP. Every event
 * is given an id before it is appended, so a client-side retry of the append is exact.
 *
 * <p>Snapshots ({@link #withSnapshots}): a load starts from the stream's snapshot when it has one
 * of the policy's schema version (another version is never decoded) and folds only the events after
 * it; the first of those must be the snapshot's revision + 1, else the snapshot belonged to an
 * earlier life of the stream and the load folds from the start. The state is the same with or
 * without snapshots; they only shorten the fold.
 *
 * @param <S> the state type; treat it as immutable
 */
public final class AggregateRepository<S> {
  /** The default attempts of {@link #execute}: the first plus four reloads after conflicts. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** The default page size of {@link #load}. */
  public static final int DEFAULT_PAGE_SIZE = 500;

  /** A loaded aggregate: its state and the revision of the last event folded into it. */
  public record Loaded<S>(S state, long revision) {
    /** Whether the aggregate has no events yet (a new one, or one whose stream was deleted). */
    public boolean isNew() {
      return revision == StreamState.NO_REVISION;
    }
  }

  /**
   * The outcome of {@link #execute}.
   *
   * @param state the state after the command's events
   * @param revision the revision of the last event folded into {@code state}
   * @param appended where the command's events landed, or null when it decided on none
   * @param attempts how many times the command was run (1 when there was no conflict)
   */
  public record Executed<S>(S state, long revision, AppendResult appended, int attempts) {}

  private final EventStore store;
  private final Function<String, String> streamName;
  private final Supplier<S> initialState;
  private final BiFunction<S, RecordedEvent, S> evolve;
  private final int maxAttempts;
  private final int pageSize;
  private final SnapshotPolicy<S> snapshots;

  /**
   * When and how a repository takes and uses snapshots (see {@link #withSnapshots}).
   *
   * @param schemaVersion the version of {@code encode}'s format; a snapshot of another version is
   *     ignored, never handed to {@code decode}
   * @param every a snapshot is taken once this many events were folded since the last one
   * @param encode the state's bytes
   * @param decode the state from bytes {@code encode} wrote under {@code schemaVersion}
   */
  public record SnapshotPolicy<S>(
      int schemaVersion, int every, Function<S, byte[]> encode, Function<byte[], S> decode) {
    public SnapshotPolicy {
      if (schemaVersion < 0) {
        throw new InvalidArgumentException(
            "a snapshot schema version must be 0 or more, was " + schemaVersion);
      }
      if (every < 1) {
        throw new InvalidArgumentException("snapshots every " + every + " events: at least 1");
      }
      Objects.requireNonNull(encode, "encode");
      Objects.requireNonNull(decode, "decode");
    }
  }

  private AggregateRepository(
      EventStore store,
      Function<String, String> streamName,
      Supplier<S> initialState,
      BiFunction<S, RecordedEvent, S> evolve,
      int maxAttempts,
      int pageSize,
      SnapshotPolicy<S> snapshots) {
    this.store = Objects.requireNonNull(store, "store");
    this.streamName = Objects.requireNonNull(streamName, "streamName");
    this.initialState = Objects.requireNonNull(initialState, "initialState");
    this.evolve = Objects.requireNonNull(evolve, "evolve");
    if (maxAttempts < 1) {
      throw new InvalidArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (pageSize < 1) {
      throw new InvalidArgumentException("pageSize must be at least 1, was " + pageSize);
    }
    this.maxAttempts = maxAttempts;
    this.pageSize = pageSize;
    this.snapshots = snapshots;
  }

  /**
   * A repository of aggregates stored in {@code store}.
   *
   * @param streamName the stream of the aggregate with a given id, e.g. {@code id -> "account-" +
   *     id}
   * @param initialState the state of an aggregate with no events
   * @param evolve the state after one more event
   */
  public static <S> AggregateRepository<S> of(
      EventStore store,
      Function<String, String> streamName,
      Supplier<S> initialState,
      BiFunction<S, RecordedEvent, S> evolve) {
    return new AggregateRepository<>(
        store, streamName, initialState, evolve, DEFAULT_MAX_ATTEMPTS, DEFAULT_PAGE_SIZE, null);
  }

  /** This repository, running a command at most {@code attempts} times on conflicts. */
  public AggregateRepository<S> withMaxAttempts(int attempts) {
    return new AggregateRepository<>(
        store, streamName, initialState, evolve, attempts, pageSize, snapshots);
  }

  /** This repository, loading streams {@code size} events at a time. */
  public AggregateRepository<S> withPageSize(int size) {
    return new AggregateRepository<>(
        store, streamName, initialState, evolve, maxAttempts, size, snapshots);
  }

  /**
   * This repository, loading from the stream's snapshot when it has one of {@code
   * policy.schemaVersion()} (then folding only the events after it) and saving a new snapshot once
   * {@code policy.every()} events were folded since the last. The store must offer {@link
   * EventStore#snapshots()} (the embedded store and {@link FactumClient} do). A snapshot that
   * cannot be saved (the state is too large, the stream was deleted meanwhile) is skipped: the
   * state is right either way, and the next load folds the events instead.
   */
  public AggregateRepository<S> withSnapshots(SnapshotPolicy<S> policy) {
    return new AggregateRepository<>(
        store,
        streamName,
        initialState,
        evolve,
        maxAttempts,
        pageSize,
        Objects.requireNonNull(policy, "policy"));
  }

  /** The current state of aggregate {@code id} (the initial state when it has no events). */
  public S load(String id) {
    return loadWithRevision(id).state();
  }

  /**
   * The current state of aggregate {@code id} with its revision ({@link StreamState#NO_REVISION}
   * when it has no events: never written, or soft-deleted). A tombstoned aggregate throws {@link
   * dev.factum.api.StreamDeletedException}.
   */
  public Loaded<S> loadWithRevision(String id) {
    Folded<S> folded = loadFolded(streamName.apply(id));
    return new Loaded<>(folded.state(), folded.revision());
  }

  /** The current state, and a snapshot of it saved if one is due. */
  private Folded<S> loadFolded(String stream) {
    Folded<S> folded = fold(stream, snapshots != null);
    if (folded == null) {
      folded = fold(stream, false); // the snapshot belonged to an earlier life of the stream
    }
    if (maybeSnapshot(stream, folded.state(), folded.revision(), folded.snapshotRevision())) {
      return new Folded<>(folded.state(), folded.revision(), folded.revision());
    }
    return folded;
  }

  /** A fold: the state, its revision, and the revision of the snapshot it started from (or -1). */
  private record Folded<S>(S state, long revision, long snapshotRevision) {}

  /**
   * Folds the stream, from its snapshot when {@code useSnapshot} and it has one of this schema.
   * Null when the snapshot turned out stale: the first event after it is not its revision + 1, so
   * the stream was deleted and written again between reading the snapshot and its events.
   */
  private Folded<S> fold(String stream, boolean useSnapshot) {
    S state = initialState.get();
    long revision = StreamState.NO_REVISION;
    long snapshotRevision = StreamState.NO_REVISION;
    if (useSnapshot) {
      Optional<Snapshot> snapshot = store.snapshots().load(stream);
      if (snapshot.isPresent() && snapshot.get().schemaVersion() == snapshots.schemaVersion()) {
        state = snapshots.decode().apply(snapshot.get().data());
        revision = snapshot.get().revision();
        snapshotRevision = revision;
      }
    }
    long from = revision + 1;
    try {
      while (true) {
        ReadPage page = store.readStream(stream, from, Direction.FORWARD, pageSize);
        for (RecordedEvent event : page.events()) {
          if (snapshotRevision >= 0
              && revision == snapshotRevision
              && event.revision() != revision + 1) {
            return null;
          }
          state = evolve.apply(state, event);
          revision = event.revision();
        }
        if (page.endOfRead() || page.isEmpty()) {
          return new Folded<>(state, revision, snapshotRevision);
        }
        from = page.next();
      }
    } catch (StreamNotFoundException missing) {
      return new Folded<>(initialState.get(), StreamState.NO_REVISION, StreamState.NO_REVISION);
    }
  }

  /**
   * Saves a snapshot of {@code state} when the policy says one is due; true when the store now
   * holds one at least as new.
   */
  private boolean maybeSnapshot(String stream, S state, long revision, long lastSnapshot) {
    if (snapshots == null
        || revision == StreamState.NO_REVISION
        || revision - lastSnapshot < snapshots.every()) {
      return false;
    }
    try {
      store
          .snapshots()
          .save(
              new Snapshot(
                  stream, revision, snapshots.schemaVersion(), snapshots.encode().apply(state)));
      return true;
    } catch (FactumException skipped) {
      // Too large, or the stream deleted meanwhile: the state is right without it (see
      // withSnapshots).
      return false;
    }
  }

  /**
   * Runs {@code command} on the current state of aggregate {@code id} and appends the events it
   * decides on, retrying on the fresh state after a concurrent write. The command may run several
   * times, so it must not have side effects of its own; it refuses by throwing.
   *
   * @throws WrongExpectedRevisionException if every attempt met a concurrent write
   */
  public Executed<S> execute(String id, Function<S, List<EventData>> command) {
    Objects.requireNonNull(command, "command");
    String stream = streamName.apply(id);
    WrongExpectedRevisionException lastConflict = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Folded<S> current = loadFolded(stream);
      List<EventData> decided = command.apply(current.state());
      if (decided == null || decided.isEmpty()) {
        return new Executed<>(current.state(), current.revision(), null, attempt);
      }
      List<EventData> events = withIds(decided);
      ExpectedRevision expected =
          current.revision() == StreamState.NO_REVISION
              ? ExpectedRevision.noStream()
              : ExpectedRevision.exact(current.revision());
      AppendResult appended;
      try {
        appended = store.append(stream, expected, events);
      } catch (WrongExpectedRevisionException conflict) {
        if (lastConflict != null) {
          conflict.addSuppressed(lastConflict);
        }
        lastConflict = conflict;
        continue;
      }
      S state = current.state();
      for (RecordedEvent event : readAppended(appended, events)) {
        state = evolve.apply(state, event);
      }
      maybeSnapshot(stream, state, appended.lastRevision(), current.snapshotRevision());
      return new Executed<>(state, appended.lastRevision(), appended, attempt);
    }
    throw lastConflict;
  }

  private static List<EventData> withIds(List<EventData> events) {
    List<EventData> withIds = new ArrayList<>(events.size());
    for (EventData event : events) {
      withIds.add(event == null || event.id() != null ? event : event.withId(UUID.randomUUID()));
    }
    return withIds;
  }

  /**
   * The events just appended, as stored (with their commit timestamp), so that the returned state
   * is exactly what a later load computes. They are read from the global log, where an append's
   * events sit at consecutive positions and stay even if the stream is deleted meanwhile.
   */
  private List<RecordedEvent> readAppended(AppendResult appended, List<EventData> sent) {
    List<RecordedEvent> events = new ArrayList<>(sent.size());
    long from = appended.firstPosition();
    while (events.size() < sent.size()) {
      int want = Math.min(pageSize, sent.size() - events.size());
      ReadPage page = store.readAll(from, Direction.FORWARD, want, LogFilter.none());
      if (page.isEmpty()) {
        throw new IllegalStateException(
            "the events just appended at position " + from + " could not be read back");
      }
      events.addAll(page.events());
      from = page.events().getLast().position() + 1;
    }
    for (int i = 0; i < sent.size(); i++) {
      if (!events.get(i).id().equals(sent.get(i).id())) {
        throw new IllegalStateException(
            "position " + events.get(i).position() + " does not hold the event just appended");
      }
    }
    return events.subList(0, sent.size());
  }
}
