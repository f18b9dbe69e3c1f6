package dev.factum.bench.compare.targets;

import dev.factum.bench.compare.AppendFigures;
import dev.factum.bench.compare.CompareSystem;
import dev.factum.bench.load.BenchTarget;
import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.DiskBaseline;
import dev.factum.bench.load.DurableAppends;
import dev.factum.bench.load.Payloads;
import dev.factum.bench.load.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The raw disk as a "system" of the comparison: the physical ceiling of durable appends. For W
 * writers appending E events of {@link Payloads#SIZE} bytes each, the best any store can do is to
 * write all W × E events' bytes in one append and make them durable with one fsync, so the ceiling
 * is one thread appending chunks of W × E × 200 bytes with {@code fdatasync} after each ({@link
 * DiskBaseline}): events/s = W × E × fsyncs/s, and a writer's latency is one fsync.
 *
 * <p>What must stay true: the file lives in the run directory, on the same file system as the
 * stores; the disk appends nothing but the events' own bytes (a store writes more: headers,
 * indexes), so it is a ceiling, never a fair competitor. It has no reads.
 */
public final class DiskTarget implements BenchTarget {
  private final Path directory;

  public DiskTarget(Path directory) throws IOException {
    this.directory = Files.createDirectories(directory);
  }

  @Override
  public String name() {
    return CompareSystem.DISK.title();
  }

  @Override
  public String setup() {
    return "one thread: append W × E × 200 bytes to a file, FileChannel.force(false) (fdatasync),"
        + " in a loop; the ideal group commit of W writers of E events";
  }

  @Override
  public boolean supports(Capability capability) {
    return capability == Capability.APPEND;
  }

  @Override
  public String whyNot(Capability capability) {
    return "n/a (the disk ceiling is for writes)";
  }

  /** The ceiling for {@code writers} × {@code eventsPerAppend}. */
  public AppendFigures ceiling(
      DurableAppends.Variant variant, Duration warmUp, Duration window, Progress progress)
      throws Exception {
    int eventsPerFsync = variant.writers() * variant.eventsPerAppend();
    DiskBaseline.Result result =
        DiskBaseline.measure(directory, eventsPerFsync * Payloads.SIZE, warmUp, window);
    return new AppendFigures(
        variant, result.fsyncsPerSecond() * eventsPerFsync, result.latency(), null);
  }

  @Override
  public Session open(String label) {
    throw new UnsupportedOperationException("the raw disk has no sessions");
  }

  @Override
  public void close() throws IOException {
    DataDirectory.deleteTree(directory);
  }
}
