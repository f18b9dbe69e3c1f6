package dev.factum.storage.rocksdb;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.StorageFailureException;
import dev.factum.engine.spi.BackupReport;
import dev.factum.engine.spi.VerifyReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.BackupEngine;
import org.rocksdb.BackupEngineOptions;
import org.rocksdb.BackupInfo;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.RestoreOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Online backup and restore of a RocksDB store, on RocksDB's {@code BackupEngine}
 * (docs/LIFECYCLE.md).
 *
 * <p>Design note: every column family is flushed, then the engine copies the live table files and
 * the write-ahead log while the store keeps committing (RocksDB pins the files of one version and
 * copies the WAL up to the writes acknowledged by then). The WAL is what makes the copy consistent
 * across the store's column families (their flushes are not atomic together); a restored copy
 * replays it, so it holds every commit acknowledged before the backup began and, of those after, a
 * prefix. Table files are shared between the backups of one directory, so the second and later
 * backups copy only what is new (incremental). RocksDB's own check of a backup compares sizes only,
 * so every backup is checked here by restoring it into a scratch directory beside it and running
 * the store verifier over that copy, which reads every record and its checksum.
 *
 * <p>What must stay true: a restore writes only into an empty or absent directory, and a backup
 * only into a directory that is empty or already holds backups, so neither ever mixes with or
 * overwrites someone else's files.
 */
final class RocksDbBackup {
  private static final String META = "meta";

  private RocksDbBackup() {}

  static BackupReport backup(RocksDB db, List<ColumnFamilyHandle> families, Path directory) {
    Path target = directory.toAbsolutePath().normalize();
    checkBackupDirectory(target);
    try {
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new StorageFailureException("cannot create " + target + ": " + e.getMessage(), e);
    }
    long before = size(target);
    int id;
    long bytes;
    try (BackupEngineOptions options = syncedOptions(target);
        BackupEngine engine = BackupEngine.open(Env.getDefault(), options);
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      // Every column family is flushed first, so the WAL that the backup must copy holds only the
      // writes since (otherwise the small column families would keep the whole WAL alive, and
      // every backup would copy all of it again). The backup itself is then taken without a flush
      // of its own: the store has several column families, and only the WAL makes the copy
      // consistent across them (RocksDB copies it up to the writes acknowledged by then).
      db.flush(flush, families);
      engine.createNewBackup(db, false);
      List<BackupInfo> infos = engine.getBackupInfo();
      BackupInfo newest = infos.getLast();
      id = newest.backupId();
      bytes = newest.size();
    } catch (RocksDBException e) {
      throw RocksDbStorage.translate("cannot back up into " + target, e);
    }
    long added = size(target) - before;
    Path scratch = scratch(target);
    try {
      restoreInto(target, scratch);
      try (RocksDbStorage copy = RocksDbStorage.open(scratch)) {
        VerifyReport report = copy.verify();
        return new BackupReport(target, id, copy.lastPosition(), bytes, added, report);
      }
    } finally {
      deleteTree(scratch);
    }
  }

  /** Shared table files (incremental), every file synced before the backup counts as written. */
  private static BackupEngineOptions syncedOptions(Path target) {
    BackupEngineOptions options = new BackupEngineOptions(target.toString());
    options.setShareTableFiles(true);
    options.setSync(true);
    return options;
  }

  /** Restores the newest backup in {@code backup} into {@code target}, empty or absent. */
  static void restore(Path backup, Path target) {
    Path from = backup.toAbsolutePath().normalize();
    Path to = target.toAbsolutePath().normalize();
    if (!Files.isDirectory(from.resolve(META))) {
      throw new InvalidArgumentException(from + " holds no Factum backup");
    }
    if (Files.exists(to) && !isEmptyDirectory(to)) {
      throw new InvalidArgumentException(
          "refusing to restore into " + to + ": it is not an empty directory");
    }
    restoreInto(from, to);
  }

  private static void restoreInto(Path backup, Path target) {
    try (BackupEngineOptions options = new BackupEngineOptions(backup.toString());
        BackupEngine engine = BackupEngine.open(Env.getDefault(), options);
        RestoreOptions restore = new RestoreOptions(false)) {
      if (engine.getBackupInfo().isEmpty()) {
        throw new InvalidArgumentException(backup + " holds no Factum backup");
      }
      Files.createDirectories(target);
      engine.restoreDbFromLatestBackup(target.toString(), target.toString(), restore);
    } catch (RocksDBException e) {
      throw RocksDbStorage.translate("cannot restore " + backup + " into " + target, e);
    } catch (IOException e) {
      throw new StorageFailureException("cannot create " + target + ": " + e.getMessage(), e);
    }
  }

  private static void checkBackupDirectory(Path target) {
    if (Files.exists(target)
        && !(Files.isDirectory(target.resolve(META)) || isEmptyDirectory(target))) {
      throw new InvalidArgumentException(
          "refusing to back up into "
              + target
              + ": it holds files that are not Factum backups (name an empty directory)");
    }
  }

  private static Path scratch(Path target) {
    Path scratch = target.resolveSibling(target.getFileName() + ".verifying");
    if (Files.exists(scratch)) {
      deleteTree(scratch); // left by a check that was killed
    }
    return scratch;
  }

  private static boolean isEmptyDirectory(Path directory) {
    if (!Files.isDirectory(directory)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path directory) {
    if (!Files.exists(directory)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(RocksDbBackup::fileSize).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long fileSize(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
