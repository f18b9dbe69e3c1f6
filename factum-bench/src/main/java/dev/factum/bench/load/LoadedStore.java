package dev.factum.bench.load;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a fresh store for the read workloads of {@code bin/bench}: {@code events} events in streams
 * {@code load-<i>} of exactly {@link #EVENTS_PER_STREAM} events each, written by {@link EntityFill}
 * (one append per stream, many concurrent appenders, so the writer builds large group commits).
 *
 * <p>What must stay true: every stream is written once, with {@code ExpectedRevision.noStream()},
 * so after a successful build each stream holds exactly 100 events and the log exactly {@code
 * events} (checked against the store's head position).
 */
public final class LoadedStore {
  public static final int EVENTS_PER_STREAM = EntityFill.EVENTS_PER_ENTITY;

  /** What the build measured. */
  public record BuildResult(long events, int streams, long elapsedNanos) {
    public double eventsPerSecond() {
      return events / (elapsedNanos / 1e9);
    }

    public double dataBytesPerSecond() {
      return eventsPerSecond() * Payloads.SIZE;
    }
  }

  private LoadedStore() {}

  static String streamName(int index) {
    return EntityFill.entityName(index);
  }

  public static BuildResult build(FactumStore store, long events, Progress progress)
      throws InterruptedException {
    if (events < EVENTS_PER_STREAM || events % EVENTS_PER_STREAM != 0) {
      throw new IllegalArgumentException(
          "the stream-load store needs a positive multiple of " + EVENTS_PER_STREAM + " events");
    }
    int streams = Math.toIntExact(events / EVENTS_PER_STREAM);
    EntityFill.Result fill =
        EntityFill.fill(
            () ->
                (stream, bodies) -> store.append(stream, ExpectedRevision.noStream(), json(bodies)),
            0,
            streams,
            progress);
    if (store.headPosition() != events - 1) {
      throw new IllegalStateException(
          "built " + (store.headPosition() + 1) + " events, expected " + events);
    }
    return new BuildResult(events, streams, fill.elapsedNanos());
  }

  /** The bodies as JSON events of type {@code OrderPlaced}. */
  public static List<EventData> json(List<byte[]> bodies) {
    List<EventData> events = new ArrayList<>(bodies.size());
    for (byte[] body : bodies) {
      events.add(EventData.json("OrderPlaced", body));
    }
    return events;
  }
}
