package dev.factum.bench.http;

import dev.factum.api.ExpectedRevision;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Durable appends over HTTP next to the same appends in-process: {@link #VARIANT} (64 threads, 10
 * events of 200 bytes per append, random streams among 10,000, {@code expectedRevision: any}),
 * first through {@code FactumStore.append} on the calling thread, then as {@code POST
 * /streams/{stream}} from 64 keep-alive connections to a {@link FactumServer} in this JVM.
 *
 * <p>What must stay true: both halves run back to back, each on a fresh store (deleted afterwards),
 * with the same writers, events and streams, so the ratio isolates what HTTP adds (request parsing,
 * JSON, the server's threads, the client) from what the store costs. Every HTTP append must be
 * answered 200, or the run fails.
 */
public final class HttpAppends {
  public static final DurableAppends.Variant VARIANT = new DurableAppends.Variant(64, 10);

  public record Result(DurableAppends.Result inProcess, DurableAppends.Result http) {}

  private HttpAppends() {}

  public static Result measure(
      Path runDirectory,
      HttpClientKind client,
      boolean tls,
      Duration warmUp,
      Duration window,
      Progress progress)
      throws IOException, InterruptedException {
    Payloads payloads = new Payloads(42);
    String[] streams = DurableAppends.streamNames();

    DurableAppends.Result inProcess;
    Path directory = runDirectory.resolve("http-append-in-process");
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      inProcess =
          DurableAppends.measure(
              store,
              VARIANT,
              "in-process-append",
              index ->
                  () ->
                      store.append(
                          pick(streams),
                          ExpectedRevision.any(),
                          DurableAppends.events(VARIANT, payloads)),
              warmUp,
              window);
    } finally {
      DataDirectory.deleteTree(directory);
    }
    say(progress, "in-process", inProcess);

    DurableAppends.Result http;
    directory = runDirectory.resolve("http-append-http");
    try (FactumStore store = RocksDbEventStore.open(directory);
        HttpRig rig = HttpRig.start(store, client, tls, progress)) {
      http =
          DurableAppends.measure(
              store,
              VARIANT,
              "http-append",
              index -> {
                HttpConnection connection = rig.connect();
                return () -> {
                  String stream = pick(streams);
                  connection
                      .send(
                          "POST",
                          "/streams/" + stream,
                          AppendBodies.body(payloads, VARIANT.eventsPerAppend()))
                      .expect(200, "POST /streams/" + stream);
                };
              },
              warmUp,
              window);
    } finally {
      DataDirectory.deleteTree(directory);
    }
    say(progress, "over HTTP (" + client.cliName() + " client)", http);
    return new Result(inProcess, http);
  }

  private static String pick(String[] streams) {
    return streams[ThreadLocalRandom.current().nextInt(streams.length)];
  }

  private static void say(Progress progress, String how, DurableAppends.Result result) {
    progress.say(
        "appends %d x %d events, %s: %s events/s, p99 %s µs, batch %s",
        VARIANT.writers(),
        VARIANT.eventsPerAppend(),
        how,
        Fmt.rate(result.eventsPerSecond()),
        Fmt.micros(result.latency().p99()),
        Fmt.decimal(result.averageBatchEvents()));
  }
}
