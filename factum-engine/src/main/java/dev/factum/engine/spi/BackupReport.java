package dev.factum.engine.spi;

import java.nio.file.Path;

/**
 * What an online backup wrote and what the check of it found.
 *
 * @param directory where the backup is
 * @param backupId the backup's number in {@code directory} (1 for the first; later ones share the
 *     files they have in common with earlier ones)
 * @param lastPosition the newest event the backup holds (-1 for an empty store): every event
 *     acknowledged before the backup began is at or below it
 * @param bytes the size of this backup's files
 * @param bytesAdded what the directory grew by: less than {@code bytes} when the backup is
 *     incremental
 * @param verify the store verifier's report over a copy restored from the backup
 */
public record BackupReport(
    Path directory,
    int backupId,
    long lastPosition,
    long bytes,
    long bytesAdded,
    VerifyReport verify) {

  public boolean ok() {
    return verify.ok();
  }

  @Override
  public String toString() {
    return "backup "
        + backupId
        + " in "
        + directory
        + ": events up to position "
        + lastPosition
        + ", "
        + bytes
        + " bytes ("
        + bytesAdded
        + " new); restored and verified: "
        + verify;
  }
}
