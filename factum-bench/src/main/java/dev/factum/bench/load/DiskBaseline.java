package dev.factum.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The physical ceiling for durable writes: append a fixed-size chunk to a file and {@code
 * fdatasync} it ({@code FileChannel.force(false)}), in a loop, on the file system the store uses.
 *
 * <p>This is what one group commit costs the disk at best: the store's WAL write is an append plus
 * an fdatasync too, so commits per second cannot exceed these fsyncs per second for a similar
 * volume. Two volumes are measured: a small record (4 KiB: a commit of one or a few events) and a
 * group commit's typical volume (64 KiB).
 *
 * <p>What must stay true: the file lives in the store's data directory (same device, same file
 * system), every sample is a write of the whole chunk followed by a force that returned, and the
 * file is removed afterwards. It is truncated back to zero every {@link #WRAP_BYTES} so a fast disk
 * cannot fill up.
 */
public final class DiskBaseline {
  public static final List<Integer> CHUNKS = List.of(4 << 10, 64 << 10);
  private static final long WRAP_BYTES = 1L << 30;

  /** One chunk size's figures. */
  public record Result(int chunkBytes, ClosedLoop.Result run) {
    public double fsyncsPerSecond() {
      return run.perSecond();
    }

    public double bytesPerSecond() {
      return run.perSecond() * chunkBytes;
    }

    public LatencySummary latency() {
      return run.summary();
    }
  }

  private DiskBaseline() {}

  public static List<Result> measure(Path directory, Duration warmUp, Duration window)
      throws IOException, InterruptedException {
    List<Result> results = new ArrayList<>();
    for (int chunk : CHUNKS) {
      results.add(measure(directory, chunk, warmUp, window));
    }
    return results;
  }

  public static Result measure(Path directory, int chunkBytes, Duration warmUp, Duration window)
      throws IOException, InterruptedException {
    Path file = directory.resolve("disk-baseline-" + chunkBytes + ".tmp");
    ByteBuffer chunk = ByteBuffer.allocateDirect(chunkBytes);
    SplittableRandom random = new SplittableRandom(chunkBytes);
    while (chunk.hasRemaining()) {
      chunk.put((byte) random.nextInt(256));
    }
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ClosedLoop loop = new ClosedLoop("disk-" + chunkBytes, 1, warmUp, window);
      ClosedLoop.Result run = loop.run(index -> () -> appendAndSync(channel, chunk), () -> {});
      return new Result(chunkBytes, run);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void appendAndSync(FileChannel channel, ByteBuffer chunk) throws IOException {
    if (channel.size() >= WRAP_BYTES) {
      channel.truncate(0);
      channel.position(0);
    }
    chunk.clear();
    while (chunk.hasRemaining()) {
      channel.write(chunk);
    }
    channel.force(false);
  }
}
