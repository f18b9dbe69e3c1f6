package dev.factum.bench.http;

import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Catch-up over Server-Sent Events next to the same catch-up in-process, on the {@link
 * LoadedStore}: a subscription to the whole log from position 0 timed until its first {@code
 * onCaughtUp} (as in {@link LogCatchUp}), then one client reading {@code GET /all/events?from=0}
 * timed from the request until the {@code caught-up} event.
 *
 * <p>What must stay true: the client checks that the {@code id:} of the events it receives are the
 * positions 0, 1, 2, … without a gap or repeat, and that {@code caught-up} comes after exactly the
 * log's length, so the figure is for a complete, ordered delivery over the wire.
 */
public final class SseCatchUp {
  private static final Duration TIMEOUT = Duration.ofMinutes(15);

  public record Result(long logLength, LogCatchUp.Pass inProcess, LogCatchUp.Pass http) {}

  private SseCatchUp() {}

  public static Result measure(FactumStore store, HttpRig rig, Progress progress)
      throws IOException, InterruptedException {
    long length = store.headPosition() + 1;
    LogCatchUp.Pass inProcess = LogCatchUp.subscribe(store);
    progress.say(
        "catch-up, in-process subscription: %s events/s", Fmt.rate(inProcess.eventsPerSecond()));
    LogCatchUp.Pass http = overHttp(rig, length);
    progress.say(
        "catch-up over SSE, GET /all/events: %s events/s", Fmt.rate(http.eventsPerSecond()));
    return new Result(length, inProcess, http);
  }

  private static LogCatchUp.Pass overHttp(HttpRig rig, long length)
      throws IOException, InterruptedException {
    long started = System.nanoTime();
    long events = 0;
    try (HttpConnection connection = rig.connect();
        InputStream body = connection.openEventStream("/all/events?from=0");
        SseReader reader = new SseReader(body);
        Watchdog watchdog = new Watchdog("sse-catch-up", TIMEOUT, body)) {
      try {
        long id;
        while ((id = reader.next()) != SseReader.CAUGHT_UP) {
          if (id != events) {
            throw new IllegalStateException(
                "GET /all/events sent id " + id + " where " + events + " was due");
          }
          events++;
        }
      } catch (IOException e) {
        if (watchdog.fired()) {
          throw new IllegalStateException(
              "GET /all/events had sent " + events + " events after " + TIMEOUT, e);
        }
        throw e;
      }
    }
    long elapsed = System.nanoTime() - started;
    if (events != length) {
      throw new IllegalStateException(
          "GET /all/events sent caught-up after " + events + " events, the log holds " + length);
    }
    return new LogCatchUp.Pass(events, 0, elapsed);
  }
}
