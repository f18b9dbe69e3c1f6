package dev.factum.bench.load;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.spi.HashChain;
import dev.factum.storage.rocksdb.RocksDbConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@code bin/bench chain [BATCH_EVENTS [SMALL_APPENDS]]}: what the tamper-evident hash chain costs
 * the writer (docs/LIFECYCLE.md, "Tamper evidence"), as append throughput of one embedded RocksDB
 * store with the chain on against the same store with it off ({@link
 * RocksDbConfig#withoutHashChain}, which exists for this measurement only), in one run.
 *
 * <p>Two workloads, where the cost shows differently: large batches (appends of 500 events of 200
 * bytes from one caller: the writer is busy encoding, so its SHA-256 work shows most), and small
 * appends (one event each from 16 callers at once: the fsync dominates). Each is run in seven
 * rounds alternating on and off, each on a fresh store; the median of each side is reported with
 * its ratio, so a slow moment of a shared machine falls on both sides alike. A last line gives the
 * chain's own CPU cost per event (the two SHA-256 computations over a 250-byte record, in a tight
 * loop), which is what the writer thread pays whatever the disk does.
 */
public final class ChainMeasure {
  private static final int ROUNDS = 7;
  private static final int CALLERS = 16;

  private ChainMeasure() {}

  public static void main(String[] args) throws Exception {
    int batchEvents = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
    int smallAppends = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    run(batchEvents, smallAppends, System.out);
  }

  public static void run(int batchEvents, int smallAppends, PrintStream out) throws Exception {
    out.println("| workload | chain on, events/s | chain off, events/s | on / off |");
    out.println("|---|---:|---:|---:|");
    row(out, "batches of 500 × 200 B, 1 caller, " + batchEvents + " events", true, batchEvents);
    row(out, "1-event appends, 16 callers, " + smallAppends + " appends", false, smallAppends);
    out.printf(Locale.ROOT, "chain CPU per event (250-byte record): %.2f µs%n", hashMicros());
  }

  /** Median over 7 runs of 200,000 events of the writer's chain work per event. */
  private static double hashMicros() {
    HashChain hashes = new HashChain();
    byte[] record = new byte[250];
    byte[] value = HashChain.genesis();
    double[] runs = new double[7];
    for (int run = 0; run < runs.length; run++) {
      long started = System.nanoTime();
      for (int i = 0; i < 200_000; i++) {
        record[i % 250] = (byte) i;
        value = hashes.next(value, hashes.digest(record));
      }
      runs[run] = (System.nanoTime() - started) / 1e3 / 200_000;
    }
    if (value.length != HashChain.HASH_BYTES) {
      throw new IllegalStateException("unreachable: keeps the loop's result alive");
    }
    return median(runs);
  }

  private static void row(PrintStream out, String name, boolean batches, int count)
      throws Exception {
    double[] on = new double[ROUNDS];
    double[] off = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      // alternate which side goes first, so neither always runs on a warmer JVM
      boolean onFirst = round % 2 == 0;
      double a = measure(!onFirst, batches, count);
      double b = measure(onFirst, batches, count);
      on[round] = onFirst ? a : b;
      off[round] = onFirst ? b : a;
    }
    double onRate = median(on);
    double offRate = median(off);
    out.printf(
        Locale.ROOT, "| %s | %,.0f | %,.0f | %.3f |%n", name, onRate, offRate, onRate / offRate);
  }

  /** Events per second of one fresh store; {@code off} turns the chain off. */
  private static double measure(boolean off, boolean batches, int count) throws Exception {
    Path directory = Files.createTempDirectory("factum-chain-bench");
    RocksDbConfig config = off ? RocksDbConfig.DEFAULT.withoutHashChain() : RocksDbConfig.DEFAULT;
    try (FactumStore store = RocksDbEventStore.open(directory, StoreOptions.DEFAULT, config)) {
      byte[] pad = ("\"" + "x".repeat(198) + "\"").getBytes(StandardCharsets.UTF_8);
      long started = System.nanoTime();
      if (batches) {
        for (int done = 0; done < count; done += 500) {
          List<EventData> batch = new ArrayList<>(500);
          for (int i = 0; i < 500; i++) {
            batch.add(EventData.json("Counted", pad));
          }
          store.append("s-" + done % 64, ExpectedRevision.any(), batch);
        }
      } else {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          inFlight.add(
              store.appendAsync(
                  AppendRequest.of(
                      "s-" + i % 256, ExpectedRevision.any(), EventData.json("Counted", pad))));
          if (inFlight.size() == CALLERS) {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
            inFlight.clear();
          }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return count / seconds;
    } finally {
      try (Stream<Path> paths = Files.walk(directory)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
