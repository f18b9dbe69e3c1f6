package dev.factum.bench.compare;

import dev.factum.bench.load.ClosedLoop;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.EntityFill;
import dev.factum.bench.load.MachineFacts;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * Everything one {@code bin/bench compare} run measured, per system, with what the report needs to
 * state how (machine, options, versions). A workload a system does not support has a null figure
 * and an entry in {@link SystemResults#unsupported}; a system that failed has its failure.
 */
public record CompareResults(
    CompareOptions options,
    MachineFacts machine,
    Map<String, String> versions,
    LocalDateTime startedAt,
    long elapsedNanos,
    List<SystemResults> systems) {

  public CompareResults {
    versions = Map.copyOf(versions);
    systems = List.copyOf(systems);
  }

  /** The results of {@code system}, or null when it was not run. */
  public SystemResults of(CompareSystem system) {
    for (SystemResults results : systems) {
      if (results.system() == system) {
        return results;
      }
    }
    return null;
  }

  /**
   * Appends with expected revisions on a few hot entities.
   *
   * @param attempts appends started in the window, each one event with an expected revision
   * @param conflicts of those, the ones refused because another writer got there first
   */
  public record Contention(
      int writers, int hotEntities, long attempts, long conflicts, ClosedLoop.Result run) {
    public double writtenPerSecond() {
      return (attempts - conflicts) / (run.elapsedNanos() / 1e9);
    }

    public double conflictRate() {
      return attempts == 0 ? Double.NaN : conflicts / (double) attempts;
    }
  }

  /**
   * Entity loads from a filled store, and the catch-up reads of its whole log: the first pass
   * ({@code catchUpNanos}), then {@code warmPasses} more, timed together ({@code warmNanos}).
   *
   * @param catchUpEvents the log's events, which every pass read
   */
  public record Reads(
      long storeEvents,
      EntityFill.Result fill,
      ClosedLoop.Result loads,
      long catchUpEvents,
      long catchUpNanos,
      int warmPasses,
      long warmNanos) {
    /** The first pass: a new reader in a process that has not read the whole log before. */
    public double catchUpEventsPerSecond() {
      return catchUpEvents / (catchUpNanos / 1e9);
    }

    /** The passes after the first, each a new reader of the whole log, the code now compiled. */
    public double warmCatchUpEventsPerSecond() {
      return warmPasses * catchUpEvents / (warmNanos / 1e9);
    }
  }

  /** Appends and entity loads measured once the store holds {@code storeEvents} events. */
  public record GrowthPoint(long storeEvents, AppendFigures appends, ClosedLoop.Result loads) {}

  /**
   * One system's figures; null where a workload was not run or not supported.
   *
   * @param unsupported workload → why the system cannot do it
   * @param failure what went wrong if the system failed part-way (the figures so far are kept)
   */
  public record SystemResults(
      CompareSystem system,
      String name,
      String setup,
      List<AppendFigures> appends,
      Contention contention,
      Reads reads,
      boolean loadsSupported,
      boolean catchUpSupported,
      List<GrowthPoint> growth,
      Map<String, String> unsupported,
      String failure) {

    public SystemResults {
      appends = List.copyOf(appends);
      growth = List.copyOf(growth);
      unsupported = Map.copyOf(unsupported);
    }

    public AppendFigures append(DurableAppends.Variant variant) {
      for (AppendFigures figures : appends) {
        if (figures.variant().equals(variant)) {
          return figures;
        }
      }
      return null;
    }
  }
}
