package dev.factum.storage.rocksdb;

import dev.factum.api.StorageFailureException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Factum's own lock on a data directory ({@code factum.lock}), taken before RocksDB is opened and
 * held until the storage closes.
 *
 * <p>Design note: RocksDB locks its directory too, but only after it has already rotated the
 * directory's {@code LOG} file (so a refused second open clobbers the running process's log), and
 * its refusal reads "While lock file: DIR/LOCK: Resource temporarily unavailable". Taking a lock of
 * our own first means a second process (or a second open in this JVM) touches nothing and is told
 * in plain words that another Factum process holds the directory. The same check finds a data
 * directory that cannot be written, before RocksDB tries. The lock is an OS advisory lock ({@code
 * fcntl}): it goes away with the process, so a crash never leaves a stale lock behind; the file
 * itself stays (empty) and means nothing on its own.
 */
final class DirectoryLock implements AutoCloseable {
  static final String FILE = "factum.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates {@code directory} if needed and locks it, or says in plain words why it cannot. */
  static DirectoryLock acquire(Path directory) {
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new StorageFailureException(
          "the data path " + directory + " exists and is not a directory");
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StorageFailureException(
          "cannot create the data directory " + directory + ": " + reason(e), e);
    }
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              directory.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageFailureException(
          "the data directory " + directory + " is not writable: " + reason(e), e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return new DirectoryLock(channel, lock);
      }
    } catch (OverlappingFileLockException sameProcess) {
      // held by another open store in this JVM: the same answer as for another process
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageFailureException(
          "cannot lock the data directory " + directory + ": " + reason(e), e);
    }
    closeQuietly(channel);
    throw new StorageFailureException(
        "another Factum process holds "
            + directory.toAbsolutePath().normalize()
            + " (stop it first; one process at a time may open a data directory)");
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return String.valueOf(e.getMessage());
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was locked
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // closing the channel releases the lock in any case
    }
  }
}
