package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.cli.FactumCommandTest.Run;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum backup} and {@code factum restore}: a backup verified after writing, a restore into
 * an empty directory that verifies and holds the events, and the refusals (a non-empty target, no
 * backup, missing options) that write nothing.
 */
class BackupCommandTest {
  @TempDir Path temp;

  @Test
  void aBackupIsRestoredAndVerified() throws Exception {
    Path data = temp.resolve("data");
    try (FactumStore store = RocksDbEventStore.open(data)) {
      for (int i = 0; i < 20; i++) {
        store.append("order-" + i, ExpectedRevision.any(), List.of(EventData.json("T", "{}")));
      }
    }
    Path backup = temp.resolve("backup");
    Run backedUp = factum("backup", "--data", data.toString(), "--to", backup.toString());
    assertThat(backedUp.exit()).as(backedUp.err()).isZero();
    assertThat(backedUp.out()).contains("backup 1 in", "events up to position 19", "OK: 20 events");
    Run again = factum("backup", "--data", data.toString(), "--to", backup.toString());
    assertThat(again.out()).contains("backup 2 in");

    Path restored = temp.resolve("restored");
    Run restore = factum("restore", "--from", backup.toString(), "--data", restored.toString());
    assertThat(restore.exit()).as(restore.err()).isZero();
    assertThat(restore.out()).contains("OK: 20 events");
    try (FactumStore copy = RocksDbEventStore.open(restored)) {
      assertThat(copy.headPosition()).isEqualTo(19);
    }

    Run intoUsed = factum("restore", "--from", backup.toString(), "--data", data.toString());
    assertThat(intoUsed.exit()).isEqualTo(1);
    assertThat(intoUsed.err()).contains("not an empty directory");
    Path empty = Files.createDirectories(temp.resolve("empty"));
    Run noBackup =
        factum("restore", "--from", empty.toString(), "--data", temp.resolve("t").toString());
    assertThat(noBackup.exit()).isEqualTo(1);
    assertThat(noBackup.err()).contains("holds no Factum backup");
    assertThat(Files.exists(temp.resolve("t"))).isFalse();
    assertThat(factum("backup", "--data", data.toString()).exit()).isEqualTo(2);
    assertThat(factum("restore", "--from", backup.toString()).exit()).isEqualTo(2);
    Run intoData = factum("backup", "--data", data.toString(), "--to", restored.toString());
    assertThat(intoData.exit()).isEqualTo(1);
    assertThat(intoData.err()).contains("not Factum backups");
  }

  @Test
  void aRunningServerBacksItselfUpIntoItsBackupDirectory() throws Exception {
    Path backups = temp.resolve("backups");
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("live"));
        FactumServer server =
            FactumServer.start(store, ServerConfig.DEFAULT.withPort(0).withBackupRoot(backups))) {
      for (int i = 0; i < 10; i++) {
        store.append("order-" + i, ExpectedRevision.any(), List.of(EventData.json("T", "{}")));
      }
      String url = server.uri().toString();
      Run backedUp = factum("backup", "--url", url);
      assertThat(backedUp.exit()).as(backedUp.err()).isZero();
      assertThat(backedUp.out())
          .contains("\"backupId\":1", "\"lastPosition\":" + store.headPosition());
      Run withTarget = factum("backup", "--url", url, "--to", temp.resolve("x").toString());
      assertThat(withTarget.exit()).isEqualTo(2);
      assertThat(Files.exists(temp.resolve("x"))).isFalse();
    }
    Path restored = temp.resolve("restored");
    Run restore =
        factum(
            "restore", "--from", backups.resolve("root").toString(), "--data", restored.toString());
    assertThat(restore.exit()).as(restore.err()).isZero();

    try (FactumStore store = RocksDbEventStore.open(temp.resolve("plain"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      Run refused = factum("backup", "--url", server.uri().toString());
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.err()).contains("backup-unavailable");
    }
  }
}
