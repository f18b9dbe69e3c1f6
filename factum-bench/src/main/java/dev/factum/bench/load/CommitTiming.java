package dev.factum.bench.load;

import dev.factum.engine.spi.CommitBatch;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What {@link CommitMeasure} and {@link RecordKeyMeasure} share: a window of synced storage commits
 * on the calling thread, timed commit by commit (the batches are built outside the timing), and the
 * event payload both write.
 */
final class CommitTiming {
  /** A window's totals: commits, events, and the wall and this thread's CPU time in commits. */
  record Window(long commits, long events, long wallNanos, long cpuNanos) {}

  private CommitTiming() {}

  /** Commits batches from {@code next} for {@code seconds}, timing only the commits. */
  static Window window(RocksDbStorage storage, Supplier<CommitBatch> next, double seconds) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long cpu = 0;
    long wall = 0;
    long commits = 0;
    long events = 0;
    while (System.nanoTime() < end) {
      CommitBatch batch = next.get();
      long cpuBefore = threads.getCurrentThreadCpuTime();
      long wallBefore = System.nanoTime();
      storage.commit(batch);
      wall += System.nanoTime() - wallBefore;
      cpu += threads.getCurrentThreadCpuTime() - cpuBefore;
      commits++;
      events += batch.events().size();
    }
    return new Window(commits, events, wall, cpu);
  }

  /** An order's JSON of about 200 bytes: the event data both measures write. */
  static byte[] payload() {
    StringBuilder json = new StringBuilder("{\"order\":\"o-1\",\"lines\":[");
    while (json.length() < 190) {
      json.append("{\"sku\":\"A-1\",\"n\":1},");
    }
    json.setLength(json.length() - 1);
    json.append("]}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }
}
