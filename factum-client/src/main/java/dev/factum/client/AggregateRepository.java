package dev.factum.client;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamNotFoundException;
import dev.factum.api.StreamState;
import dev.factum.api.WrongExpectedRevisionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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

  private AggregateRepository(
      EventStore store,
      Function<String, String> streamName,
      Supplier<S> initialState,
      BiFunction<S, RecordedEvent, S> evolve,
      int maxAttempts,
      int pageSize) {
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
        store, streamName, initialState, evolve, DEFAULT_MAX_ATTEMPTS, DEFAULT_PAGE_SIZE);
  }

  /** This repository, running a command at most {@code attempts} times on conflicts. */
  public AggregateRepository<S> withMaxAttempts(int attempts) {
    return new AggregateRepository<>(store, streamName, initialState, evolve, attempts, pageSize);
  }

  /** This repository, loading streams {@code size} events at a time. */
  public AggregateRepository<S> withPageSize(int size) {
    return new AggregateRepository<>(store, streamName, initialState, evolve, maxAttempts, size);
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
    String stream = streamName.apply(id);
    S state = initialState.get();
    long revision = StreamState.NO_REVISION;
    long from = 0;
    try {
      while (true) {
        ReadPage page = store.readStream(stream, from, Direction.FORWARD, pageSize);
        for (RecordedEvent event : page.events()) {
          state = evolve.apply(state, event);
          revision = event.revision();
        }
        if (page.endOfRead() || page.isEmpty()) {
          return new Loaded<>(state, revision);
        }
        from = page.next();
      }
    } catch (StreamNotFoundException missing) {
      return new Loaded<>(initialState.get(), StreamState.NO_REVISION);
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
      Loaded<S> current = loadWithRevision(id);
      List<EventData> decided = command.apply(current.state());
      if (decided == null || decided.isEmpty()) {
        return new Executed<>(current.state(), current.revision(), null, attempt);
      }
      List<EventData> events = withIds(decided);
      ExpectedRevision expected =
          current.isNew()
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
