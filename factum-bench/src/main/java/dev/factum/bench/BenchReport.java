package dev.factum.bench;

import dev.factum.bench.http.HttpAppends;
import dev.factum.bench.http.HttpStreamLoad;
import dev.factum.bench.http.SecurityCost;
import dev.factum.bench.http.SseCatchUp;
import dev.factum.bench.http.SseLive;
import dev.factum.bench.load.DcbLoad;
import dev.factum.bench.load.DiskBaseline;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.GroupLoad;
import dev.factum.bench.load.LoadedStore;
import dev.factum.bench.load.LogCatchUp;
import dev.factum.bench.load.MachineFacts;
import dev.factum.bench.load.Quiesce;
import dev.factum.bench.load.StreamLoad;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Everything one run measured. A workload that was not selected has an empty list or a null result.
 *
 * @param startedAt local time the run started (names the report file)
 * @param elapsedNanos the whole run, setup and teardown included
 * @param settle how the loaded store settled after its build (null when not built)
 * @param http the HTTP workloads' figures, each next to its in-process counterpart
 * @param compared the interleaved comparisons (http-auth, dcb, groups); null when not run
 */
public record BenchReport(
    BenchOptions options,
    MachineFacts machine,
    LocalDateTime startedAt,
    long elapsedNanos,
    List<DiskBaseline.Result> disk,
    List<DurableAppends.Result> appends,
    LoadedStore.BuildResult build,
    Quiesce.Outcome settle,
    List<StreamLoad.Result> streamLoads,
    LogCatchUp.Result catchUp,
    HttpFigures http,
    Compared compared) {

  /**
   * The interleaved comparisons, each against a baseline measured in the same run; a workload that
   * was not selected is null.
   */
  public record Compared(
      SecurityCost.Result security,
      DcbLoad.Result dcb,
      GroupLoad.Result groups,
      String loadAverageAtEnd) {}

  /**
   * What the HTTP workloads measured; a workload that was not selected has an empty list or null.
   */
  public record HttpFigures(
      HttpAppends.Result appends,
      List<HttpStreamLoad.Result> streamLoads,
      SseCatchUp.Result sseCatchUp,
      SseLive.Result sseLive) {
    static final HttpFigures NONE = new HttpFigures(null, List.of(), null, null);

    public HttpFigures {
      streamLoads = List.copyOf(streamLoads);
    }

    public boolean isEmpty() {
      return appends == null && streamLoads.isEmpty() && sseCatchUp == null && sseLive == null;
    }
  }

  public BenchReport {
    disk = List.copyOf(disk);
    appends = List.copyOf(appends);
    streamLoads = List.copyOf(streamLoads);
  }

  /**
   * The baseline a commit is compared with: the smallest measured chunk that holds {@code bytes},
   * else the largest; null when the baseline was not run.
   */
  public DiskBaseline.Result diskBaselineFor(double bytes) {
    DiskBaseline.Result chosen = null;
    for (DiskBaseline.Result result : disk) {
      if (chosen == null
          || (chosen.chunkBytes() < bytes && result.chunkBytes() > chosen.chunkBytes())) {
        chosen = result;
      }
    }
    return chosen;
  }

  /** The largest chunk's baseline: the disk's bandwidth ceiling. */
  public DiskBaseline.Result largestDiskBaseline() {
    return diskBaselineFor(Double.MAX_VALUE);
  }
}
