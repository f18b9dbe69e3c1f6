package dev.factum.bench.load;

import dev.factum.api.Direction;
import dev.factum.api.ReadPage;
import dev.factum.engine.FactumStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stream load: what an aggregate's command handler does before deciding. Threads read random whole
 * streams of the {@link LoadedStore} ({@code readStream(stream, 0, FORWARD, 100)}) in a closed
 * loop. Every load is checked to return the stream's 100 events, so a fast wrong answer cannot pass
 * for a fast load.
 */
public final class StreamLoad {
  public static final List<Integer> THREADS = List.of(1, 2);

  public record Result(int threads, ClosedLoop.Result run) {
    public double loadsPerSecond() {
      return run.perSecond();
    }

    public LatencySummary latency() {
      return run.summary();
    }
  }

  private StreamLoad() {}

  public static List<Result> measure(
      FactumStore store, int streams, Duration warmUp, Duration window, Progress progress)
      throws InterruptedException {
    String[] names = names(streams);
    List<Result> results = new ArrayList<>();
    for (int threads : THREADS) {
      ClosedLoop loop = new ClosedLoop("stream-load-" + threads, threads, warmUp, window);
      ClosedLoop.Result run = loop.run(index -> () -> load(store, names), () -> {});
      Result result = new Result(threads, run);
      progress.say(
          "stream load, %d threads: %s loads/s, p99 %s µs",
          threads, Fmt.rate(result.loadsPerSecond()), Fmt.micros(result.latency().p99()));
      results.add(result);
    }
    return results;
  }

  /** The names of the loaded store's streams. */
  public static String[] names(int streams) {
    String[] names = new String[streams];
    for (int i = 0; i < streams; i++) {
      names[i] = LoadedStore.streamName(i);
    }
    return names;
  }

  public static void load(FactumStore store, String[] names) {
    String stream = names[ThreadLocalRandom.current().nextInt(names.length)];
    ReadPage page = store.readStream(stream, 0, Direction.FORWARD, LoadedStore.EVENTS_PER_STREAM);
    if (page.events().size() != LoadedStore.EVENTS_PER_STREAM) {
      throw new IllegalStateException(
          stream + " returned " + page.events().size() + " events, not 100");
    }
  }
}
