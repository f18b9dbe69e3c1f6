package dev.factum.bench.http;

import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import dev.factum.bench.load.StreamLoad;
import dev.factum.bench.load.WindowTotals;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What security costs over HTTP (workload {@code http-auth}, issue 11): appends ({@link #WRITERS}
 * writers × 1 event, {@code POST /streams/{s}}) and stream loads ({@link #LOADERS} threads, {@code
 * GET /streams/{s}?limit=100}) against three servers on one store: plain (no auth, no TLS: the
 * baseline), auth on (a writer key as {@code Authorization: Bearer} on every request), and TLS on
 * (HTTPS, TLS 1.3, no auth).
 *
 * <p>What must stay true: the three servers serve the <em>same</em> store at the same time and the
 * modes take turns window by window (plain, auth, TLS, then auth, TLS, plain, ...: the order
 * rotates each round, so no mode always runs first after the store's build), so a machine shared
 * with other work (its load moves over minutes) weighs on each mode alike; every figure is reported
 * as a ratio against the plain mode of the same run, summed over its rounds. Every request must be
 * answered 200 (a 401 would measure nothing), and every page is checked as in {@link
 * HttpStreamLoad}.
 */
public final class SecurityCost {
  public static final int WRITERS = 64;
  public static final int LOADERS = 2;

  /** The server set-ups compared; {@link #PLAIN} is the baseline. */
  public enum Mode {
    PLAIN("plain (auth off, no TLS)"),
    AUTH("auth on (writer key)"),
    TLS("TLS on (auth off)");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * @param rounds how many times each mode measured each operation
   * @param appends per mode: appends of one event (operations = events)
   * @param loads per mode: stream loads of 100 events
   */
  public record Result(
      int rounds, Map<Mode, WindowTotals> appends, Map<Mode, WindowTotals> loads) {}

  private SecurityCost() {}

  public static Result measure(
      Path runDirectory,
      HttpClientKind client,
      int rounds,
      long loadedEvents,
      Duration warmUp,
      Duration window,
      Progress progress)
      throws IOException, InterruptedException {
    Map<Mode, WindowTotals> appends = new EnumMap<>(Mode.class);
    Map<Mode, WindowTotals> loads = new EnumMap<>(Mode.class);
    for (Mode mode : Mode.values()) {
      appends.put(mode, new WindowTotals());
      loads.put(mode, new WindowTotals());
    }
    Path directory = runDirectory.resolve("http-auth");
    Path authDirectory = Files.createDirectories(runDirectory.resolve("http-auth-keys"));
    Payloads payloads = new Payloads(11);
    String[] appendStreams = DurableAppends.streamNames();
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      LoadedStore.BuildResult build = LoadedStore.build(store, loadedEvents, progress);
      String[] loadStreams = StreamLoad.names(build.streams());
      Map<Mode, HttpRig> rigs = new EnumMap<>(Mode.class);
      try {
        rigs.put(Mode.PLAIN, HttpRig.start(store, client, false, null, progress));
        rigs.put(Mode.AUTH, HttpRig.start(store, client, false, authDirectory, progress));
        rigs.put(Mode.TLS, HttpRig.start(store, client, true, null, progress));
        for (int round = 1; round <= rounds; round++) {
          List<Mode> order = order(round);
          for (Mode mode : order) {
            HttpRig rig = rigs.get(mode);
            ClosedLoop.Result result =
                new ClosedLoop("auth-append-" + mode, WRITERS, warmUp, window)
                    .run(
                        index -> {
                          HttpConnection connection = connected(rig);
                          return () -> append(connection, appendStreams, payloads);
                        },
                        () -> {});
            appends.get(mode).add(result);
            progress.say(
                "http-auth round %d, appends %d x 1, %s: %s events/s, p99 %s µs",
                round,
                WRITERS,
                mode.label(),
                Fmt.rate(result.perSecond()),
                Fmt.micros(result.summary().p99()));
          }
          for (Mode mode : order) {
            HttpRig rig = rigs.get(mode);
            ClosedLoop.Result result =
                new ClosedLoop("auth-load-" + mode, LOADERS, warmUp, window)
                    .run(
                        index -> {
                          HttpConnection connection = connected(rig);
                          return () -> HttpStreamLoad.load(connection, loadStreams);
                        },
                        () -> {});
            loads.get(mode).add(result);
            progress.say(
                "http-auth round %d, stream loads %d threads, %s: %s loads/s, p99 %s µs",
                round,
                LOADERS,
                mode.label(),
                Fmt.rate(result.perSecond()),
                Fmt.micros(result.summary().p99()));
          }
        }
      } finally {
        for (HttpRig rig : rigs.values()) {
          rig.close();
        }
      }
    } finally {
      DataDirectory.deleteTree(directory);
      DataDirectory.deleteTree(authDirectory);
    }
    return new Result(rounds, appends, loads);
  }

  /**
   * A new connection, opened (for TLS: handshaken) with a request to the public liveness route, on
   * the coordinating thread before the window's threads start: no warm-up or window pays for
   * connection set-up, as none would with a client's warm keep-alive pool.
   */
  private static HttpConnection connected(HttpRig rig) throws IOException {
    HttpConnection connection = rig.connect();
    connection.send("GET", "/health/live", null).expect(200, "GET /health/live");
    return connection;
  }

  /**
   * The modes in the order of {@code round}: rotated by one each round, so none is always first.
   */
  static List<Mode> order(int round) {
    List<Mode> order = new ArrayList<>(List.of(Mode.values()));
    Collections.rotate(order, -((round - 1) % order.size()));
    return order;
  }

  private static void append(HttpConnection connection, String[] streams, Payloads payloads)
      throws IOException {
    String stream = streams[ThreadLocalRandom.current().nextInt(streams.length)];
    connection
        .send("POST", "/streams/" + stream, AppendBodies.body(payloads, 1))
        .expect(200, "POST /streams/" + stream);
  }
}
