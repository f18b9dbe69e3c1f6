package dev.factum.bench;

import dev.factum.bench.http.HttpAppends;
import dev.factum.bench.http.HttpRig;
import dev.factum.bench.http.HttpStreamLoad;
import dev.factum.bench.http.SecurityCost;
import dev.factum.bench.http.SseCatchUp;
import dev.factum.bench.http.SseLive;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.DcbLoad;
import dev.factum.bench.load.DiskBaseline;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Fmt;
import dev.factum.bench.load.GroupLoad;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.MachineFacts;
import dev.factum.bench.load.Progress;
import dev.factum.bench.load.Quiesce;
import dev.factum.bench.load.StreamLoad;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Runs the selected workloads in order (raw disk, durable appends, building the loaded store,
 * stream load, log catch-up, their HTTP counterparts on the same store, then HTTP appends and live
 * SSE delivery on fresh stores, then the interleaved comparisons (http-auth, dcb, groups) on stores
 * of their own) in one fresh run directory, and gathers their figures.
 *
 * <p>What must stay true: the disk baseline is measured in the same run directory as the stores, so
 * it describes the same disk at the same time; the read workloads share one loaded store, which is
 * built once and left to settle (background compaction) before it is read; and the run directory is
 * removed whatever happens.
 */
final class BenchRun {
  private BenchRun() {}

  static BenchReport run(BenchOptions options, Progress progress)
      throws IOException, InterruptedException {
    LocalDateTime startedAt = LocalDateTime.now(ZoneId.systemDefault());
    long started = System.nanoTime();
    try (DataDirectory data = DataDirectory.create(options.dataParent())) {
      MachineFacts machine = MachineFacts.collect(data.path());
      progress.say("data directory %s", data.path());

      List<DiskBaseline.Result> disk = List.of();
      if (options.runsDiskBaseline()) {
        progress.say("raw disk baseline: append + fdatasync");
        disk =
            DiskBaseline.measure(data.path(), options.warmUp().dividedBy(4), options.diskWindow());
        for (DiskBaseline.Result result : disk) {
          progress.say(
              "raw disk, %d KiB chunks: %s fsyncs/s, p50 %s µs",
              result.chunkBytes() >> 10,
              Fmt.rate(result.fsyncsPerSecond()),
              Fmt.micros(result.latency().p50()));
        }
      }

      List<DurableAppends.Result> appends = List.of();
      if (options.runs(Workload.APPEND)) {
        appends = DurableAppends.measure(data.path(), options.warmUp(), options.window(), progress);
      }

      LoadedStore.BuildResult build = null;
      List<StreamLoad.Result> loads = List.of();
      LogCatchUp.Result catchUp = null;
      Quiesce.Outcome settle = null;
      List<HttpStreamLoad.Result> httpLoads = List.of();
      SseCatchUp.Result sseCatchUp = null;
      if (options.buildsLoadedStore()) {
        Path storeDirectory = data.path().resolve("stream-load");
        try (FactumStore store = RocksDbEventStore.open(storeDirectory)) {
          progress.say("building the stream-load store: %s events", Fmt.count(options.events()));
          build = LoadedStore.build(store, options.events(), progress);
          progress.say(
              "built %s events in %s: %s events/s",
              Fmt.count(build.events()),
              Fmt.seconds(build.elapsedNanos()),
              Fmt.rate(build.eventsPerSecond()));
          settle = Quiesce.await(storeDirectory, options.settleQuiet(), options.settleMax());
          progress.say(
              "the store %s after %s",
              settle.settled() ? "settled" : "had not settled", Fmt.seconds(settle.waitedNanos()));
          if (options.runs(Workload.STREAM_LOAD)) {
            loads =
                StreamLoad.measure(
                    store, build.streams(), options.warmUp(), options.window(), progress);
          }
          if (options.runs(Workload.CATCH_UP)) {
            catchUp = LogCatchUp.measure(store, progress);
          }
          if (options.servesLoadedStore()) {
            try (HttpRig rig =
                HttpRig.start(store, options.httpClient(), options.tls(), progress)) {
              progress.say("serving the stream-load store at %s", rig.uri());
              if (options.runs(Workload.HTTP_STREAM_LOAD)) {
                httpLoads =
                    HttpStreamLoad.measure(
                        store, build.streams(), rig, options.warmUp(), options.window(), progress);
              }
              if (options.runs(Workload.HTTP_SSE)) {
                sseCatchUp = SseCatchUp.measure(store, rig, progress);
              }
            }
          }
        }
      }
      HttpAppends.Result httpAppends = null;
      if (options.runs(Workload.HTTP_APPEND)) {
        httpAppends =
            HttpAppends.measure(
                data.path(),
                options.httpClient(),
                options.tls(),
                options.warmUp(),
                options.window(),
                progress);
      }
      SseLive.Result sseLive = null;
      if (options.runs(Workload.HTTP_SSE)) {
        sseLive =
            SseLive.measure(
                data.path(),
                options.httpClient(),
                options.tls(),
                options.warmUp(),
                options.window(),
                progress);
      }
      SecurityCost.Result security = null;
      if (options.runs(Workload.HTTP_AUTH)) {
        security =
            SecurityCost.measure(
                data.path(),
                options.httpClient(),
                options.rounds(),
                options.smoke() ? 2_000 : 100_000,
                options.warmUp(),
                options.pairWindow(),
                progress);
      }
      DcbLoad.Result dcb = null;
      if (options.runs(Workload.DCB)) {
        dcb =
            DcbLoad.measure(
                data.path(),
                options.dcbEvents(),
                options.smoke() ? 1_000 : 100_000,
                options.rounds(),
                options.warmUp(),
                options.pairWindow(),
                progress);
      }
      GroupLoad.Result groups = null;
      if (options.runs(Workload.GROUPS)) {
        groups =
            GroupLoad.measure(
                data.path(),
                options.groupEvents(),
                options.smoke() ? 20_000 : 200_000,
                options.smoke() ? 200 : 1_000,
                options.rounds(),
                options.warmUp(),
                options.pairWindow(),
                progress);
      }
      return new BenchReport(
          options,
          machine,
          startedAt,
          System.nanoTime() - started,
          disk,
          appends,
          build,
          settle,
          loads,
          catchUp,
          new BenchReport.HttpFigures(httpAppends, httpLoads, sseCatchUp, sseLive),
          security == null && dcb == null && groups == null
              ? null
              : new BenchReport.Compared(security, dcb, groups, MachineFacts.loadAverage()));
    }
  }
}
