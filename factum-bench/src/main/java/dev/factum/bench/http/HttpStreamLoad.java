package dev.factum.bench.http;

import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.Progress;
import dev.factum.bench.load.StreamLoad;
import dev.factum.engine.FactumStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stream load over HTTP next to the same load in-process, on the {@link LoadedStore}: for 1 and 2
 * threads, first {@code readStream(stream, 0, FORWARD, 100)} on the store, then {@code GET
 * /streams/{stream}?limit=100} from one keep-alive connection per thread, random streams each time.
 *
 * <p>What must stay true: the two halves of a pair run back to back on the same store, and every
 * load is checked (in-process: 100 events; over HTTP: the body parsed, 100 events, revisions 0 to
 * 99 of the right stream), so latency over HTTP includes the client's parse of the page, as a
 * caller's would.
 */
public final class HttpStreamLoad {
  public record Result(int threads, ClosedLoop.Result inProcess, ClosedLoop.Result http) {}

  private HttpStreamLoad() {}

  public static List<Result> measure(
      FactumStore store,
      int streams,
      HttpRig rig,
      Duration warmUp,
      Duration window,
      Progress progress)
      throws InterruptedException {
    String[] names = StreamLoad.names(streams);
    List<Result> results = new ArrayList<>();
    for (int threads : StreamLoad.THREADS) {
      ClosedLoop.Result inProcess =
          new ClosedLoop("in-process-load-" + threads, threads, warmUp, window)
              .run(index -> () -> StreamLoad.load(store, names), () -> {});
      ClosedLoop.Result http =
          new ClosedLoop("http-load-" + threads, threads, warmUp, window)
              .run(
                  index -> {
                    HttpConnection connection = rig.connect();
                    return () -> load(connection, names);
                  },
                  () -> {});
      progress.say(
          "stream load, %d threads: in-process p99 %s µs, over HTTP %s loads/s, p99 %s µs",
          threads,
          Fmt.micros(inProcess.summary().p99()),
          Fmt.rate(http.perSecond()),
          Fmt.micros(http.summary().p99()));
      results.add(new Result(threads, inProcess, http));
    }
    return results;
  }

  static void load(HttpConnection connection, String[] names) throws IOException {
    String stream = names[ThreadLocalRandom.current().nextInt(names.length)];
    String target = "/streams/" + stream + "?limit=" + LoadedStore.EVENTS_PER_STREAM;
    HttpReply reply = connection.send("GET", target, null).expect(200, "GET " + target);
    StreamPageCheck.check(reply.body(), stream, LoadedStore.EVENTS_PER_STREAM);
  }
}
