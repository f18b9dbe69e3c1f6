package dev.factum.powerloss.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A file system for tests that can lose power: a FUSE mount (libfuse 2 through jnr-fuse) over a
 * backing directory, which keeps everything not yet fsynced in a volatile layer and, on command,
 * "cuts the power" — refuses every further operation and drops what was not synced.
 *
 * <p>Design note: {@code kill -9} of a process keeps the operating system's page cache, so it
 * cannot tell a store that syncs before it acknowledges from one that does not. This mount can:
 * what a program wrote is visible to reads at once (as the page cache would show it), but only what
 * an fsync/fdatasync of the file (for contents and size) or of its parent directory (for names:
 * create, rename, unlink, mkdir) covered survives a {@linkplain #cutPower() cut}. The exact model,
 * stricter than ext4, is written down in {@link VolatileTree}. After a cut, {@link #survivors}
 * writes what survived as a plain directory, optionally with a torn (random, seeded) prefix of each
 * file's unsynced tail, on which the store under test is reopened — directly, or through a new
 * mount ({@link #mountOver}).
 *
 * <p>Crash points: every fsync of a file or directory is counted ({@link #syncs()}); {@link
 * #cutPowerAtSync} cuts the power when the k-th one arrives, before it takes effect (it fails with
 * EIO, as does everything after it), so a test can count the crash points of a run and then cut at
 * each in turn. Faults: {@link #failNextWrite()} and {@link #failNextSync()} answer EIO to the next
 * write or fsync, for testing how a store handles a real I/O error.
 *
 * <p>Requires {@code /dev/fuse}, libfuse 2 ({@code libfuse.so.2}, Debian's {@code libfuse2}) and
 * root or {@code fusermount} ({@code fuse3}); {@code bin/test} installs the packages when missing.
 * The mount is visible to the whole machine, so a program under test may be another process.
 */
public final class PowerLossFileSystem implements AutoCloseable {
  private final VolatileTree tree;
  private final FuseBridge bridge;
  private final Path mountPoint;
  private Thread loop;
  private boolean closed;

  private PowerLossFileSystem(VolatileTree tree, Path mountPoint) {
    this.tree = tree;
    this.bridge = new FuseBridge(tree);
    this.mountPoint = mountPoint;
  }

  /**
   * Mounts an empty file system at {@code mountPoint} (created if missing), keeping its data under
   * {@code backing} (a directory the caller owns and deletes).
   */
  public static PowerLossFileSystem mount(Path backing, Path mountPoint) throws IOException {
    return mount(new VolatileTree(backing), mountPoint);
  }

  /**
   * Mounts a file system whose initial, fully durable, contents are a copy of {@code initial} (for
   * example what {@link #survivors} left of an earlier cut).
   */
  public static PowerLossFileSystem mountOver(Path initial, Path backing, Path mountPoint)
      throws IOException {
    VolatileTree tree = new VolatileTree(backing);
    tree.importTree(initial);
    return mount(tree, mountPoint);
  }

  private static PowerLossFileSystem mount(VolatileTree tree, Path mountPoint) throws IOException {
    FuseRequirements.check();
    Path absolute = Files.createDirectories(mountPoint).toAbsolutePath();
    PowerLossFileSystem fs = new PowerLossFileSystem(tree, absolute);
    // A blocking mount on a thread of its own: jnr-fuse's non-blocking mount waits a fixed 2 s.
    // big_writes: libfuse 2 otherwise splits every write into 4 KiB requests. No entry or
    // attribute caching in the kernel, so what a program sees is always the tree's answer.
    fs.loop =
        Thread.ofPlatform()
            .daemon()
            .name("power-loss-fuse " + absolute)
            .start(
                () ->
                    fs.bridge.mount(
                        absolute,
                        true,
                        false,
                        new String[] {
                          "-o", "big_writes,entry_timeout=0,attr_timeout=0,negative_timeout=0"
                        }));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!mounted(absolute)) {
      if (!fs.loop.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("could not mount FUSE at " + absolute + " (see the output above)");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    return fs;
  }

  private static boolean mounted(Path mountPoint) throws IOException {
    return Files.readString(Path.of("/proc/self/mounts")).contains(" " + mountPoint + " fuse");
  }

  /** Where the file system is mounted. */
  public Path root() {
    return mountPoint;
  }

  /** How many fsync/fdatasync calls (of files and directories) have arrived: the crash points. */
  public long syncs() {
    return tree.syncs();
  }

  /**
   * Cuts the power when the {@code k}-th sync (counting from 1 since the mount) arrives: that sync
   * fails with EIO and makes nothing durable, and so does everything after it. {@code atCut} runs
   * at that instant, on the file system's thread, while the calling program is blocked in the sync:
   * it must not wait for that program (kill it with {@code Process.destroyForcibly()}, which does
   * not wait). {@code k <= 0} cancels.
   */
  public void cutPowerAtSync(long k, Runnable atCut) {
    tree.cutAtSync(k, atCut);
  }

  /** Cuts the power now: every later operation fails with EIO; the durable state is frozen. */
  public void cutPower() {
    tree.cutNow();
  }

  /** Whether the power has been cut (by {@link #cutPower} or at a chosen sync). */
  public boolean powerCut() {
    return tree.isCut();
  }

  /** The next write (of any file) fails with EIO and writes nothing. */
  public void failNextWrite() {
    failNextWrite(path -> true);
  }

  /**
   * The next write to a file whose path (from the mount's root, such as {@code /db/000004.log})
   * matches fails with EIO and writes nothing; writes to other files go on.
   */
  public void failNextWrite(Predicate<String> path) {
    tree.failNextWrite(path);
  }

  /**
   * The next fsync/fdatasync (of a file or directory) fails with EIO, makes nothing durable, and
   * (for a file) forgets its unsynced writes for durability, as Linux does after a write-back
   * error.
   */
  public void failNextSync() {
    failNextSync(path -> true);
  }

  /** As {@link #failNextSync()}, for the next sync of a file or directory whose path matches. */
  public void failNextSync(Predicate<String> path) {
    tree.failNextSync(path);
  }

  /** How many of the injected failures have been answered. */
  public long injectedFailures() {
    return tree.injectedFailures();
  }

  /**
   * Writes what would survive a power cut now into {@code target} (created; must not hold the same
   * names): the durable tree only, or with {@code tornSeed} non-null also a random prefix of each
   * file's unsynced writes, chosen by that seed. Meant for after a cut, when nothing changes any
   * more; call it before {@link #close()}.
   */
  public void survivors(Path target, Long tornSeed) throws IOException {
    tree.materialize(target, tornSeed == null ? null : new SplittableRandom(tornSeed));
  }

  /**
   * Unmounts. A program still holding files open keeps the mount busy: stop or kill it first (a
   * lazy unmount is the fallback).
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!unmount(false)) {
      unmount(true);
    }
    try {
      loop.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + mountPoint, e);
    } finally {
      tree.close();
    }
  }

  private boolean unmount(boolean lazy) throws IOException {
    List<String> command = new ArrayList<>(List.of("fusermount", "-u"));
    if (lazy) {
      command.add("-z");
    }
    command.add(mountPoint.toString());
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("fusermount hung unmounting " + mountPoint);
      }
      if (p.exitValue() != 0 && lazy) {
        throw new IOException("cannot unmount " + mountPoint + ": " + output);
      }
      return p.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + mountPoint, e);
    }
  }
}
