package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.spi.BackupReport;
import dev.factum.tck.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online backup and restore (docs/LIFECYCLE.md): a backup of a live store under concurrent appends
 * restores to a store that passes verify and holds every event acknowledged before the backup
 * began, byte for byte; a second backup into the same directory is incremental; restore refuses a
 * non-empty target and a directory without a backup.
 */
class RocksDbBackupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path directory;

  /** One acknowledged append: what was sent and where it landed. */
  private record Acked(String stream, UUID id, String data, AppendResult result) {}

  @Test
  void aBackupTakenUnderLoadRestoresEveryAcknowledgedEvent() throws Exception {
    Path data = directory.resolve("data");
    Path backup = directory.resolve("backup");
    Path restored = directory.resolve("restored");
    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Acked> before;
    BackupReport report;
    try (FactumStore store = RocksDbEventStore.open(data);
        ExecutorService writers = Executors.newFixedThreadPool(4)) {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String stream = "load-" + w;
        running.add(
            writers.submit(
                () -> {
                  for (int n = 0; !stop.get(); n++) {
                    UUID id = UUID.randomUUID();
                    String json = "{\"writer\":\"" + stream + "\",\"n\":" + n + "}";
                    EventData event =
                        new EventData(
                            id,
                            "Loaded",
                            EventData.JSON,
                            json.getBytes(StandardCharsets.UTF_8),
                            null,
                            null);
                    AppendResult result =
                        store.append(stream, ExpectedRevision.any(), List.of(event));
                    acked.add(new Acked(stream, id, json, result));
                  }
                  return null;
                }));
      }
      try {
        Await.until("appends under way", WAIT, () -> acked.size() >= 2_000);
        List<Acked> acknowledged = List.copyOf(acked); // each acknowledged before the backup began
        before = acknowledged;
        report = store.backup(backup);
        Await.until(
            "appends after the backup", WAIT, () -> acked.size() >= acknowledged.size() + 500);
      } finally {
        stop.set(true);
      }
      for (Future<?> writer : running) {
        writer.get();
      }
    }
    assertThat(report.ok()).as(report.toString()).isTrue();
    long newestBefore =
        before.stream().mapToLong(a -> a.result().lastPosition()).max().orElseThrow();
    assertThat(report.lastPosition()).isGreaterThanOrEqualTo(newestBefore);

    RocksDbStorage.restore(backup, restored);
    try (FactumStore copy = RocksDbEventStore.open(restored)) {
      assertThat(copy.verify().ok()).as(copy.verify().toString()).isTrue();
      assertThat(copy.headPosition()).isEqualTo(report.lastPosition());
      for (Acked one : before) {
        long position = one.result().lastPosition();
        RecordedEvent event =
            copy.readAll(position, Direction.FORWARD, 1, LogFilter.none()).events().getFirst();
        assertThat(event.position()).isEqualTo(position);
        assertThat(event.id()).isEqualTo(one.id());
        assertThat(event.stream()).isEqualTo(one.stream());
        assertThat(event.revision()).isEqualTo(one.result().lastRevision());
        assertThat(new String(event.data(), StandardCharsets.UTF_8)).isEqualTo(one.data());
      }
    }
  }

  @Test
  void aSecondBackupIsIncrementalAndRestoresTheNewerState() throws Exception {
    Path data = directory.resolve("data");
    Path backup = directory.resolve("backup");
    BackupReport first;
    BackupReport second;
    // Small memtables, so that the events reach table files, which backups share.
    RocksDbConfig smallMemtables = new RocksDbConfig(8L << 20, 256L << 10);
    try (FactumStore store = RocksDbEventStore.open(data, StoreOptions.DEFAULT, smallMemtables)) {
      append(store, "a", 3_000);
      first = store.backup(backup);
      append(store, "b", 300);
      second = store.backup(backup);
    }
    assertThat(first.backupId()).isEqualTo(1);
    assertThat(second.backupId()).isEqualTo(2);
    assertThat(first.ok()).isTrue();
    assertThat(second.ok()).isTrue();
    assertThat(second.lastPosition()).isEqualTo(3_299);
    // The second copies only what is new: the table files of the first are shared.
    assertThat(second.bytesAdded()).isLessThan(second.bytes() / 2);
    Path restored = directory.resolve("restored");
    RocksDbStorage.restore(backup, restored);
    try (FactumStore copy = RocksDbEventStore.open(restored)) {
      assertThat(copy.headPosition()).isEqualTo(3_299);
      assertThat(copy.streamState("b").lastRevision()).isEqualTo(299);
    }
  }

  @Test
  void restoreAndBackupRefuseDirectoriesTheyWouldDamage() throws Exception {
    Path data = directory.resolve("data");
    Path backup = directory.resolve("backup");
    Path foreign = Files.createDirectories(directory.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    try (FactumStore store = RocksDbEventStore.open(data)) {
      append(store, "a", 10);
      assertThatThrownBy(() -> store.backup(foreign))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("not Factum backups");
      store.backup(backup);
    }
    assertThatThrownBy(() -> RocksDbStorage.restore(backup, foreign))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not an empty directory");
    assertThat(Files.readString(foreign.resolve("notes.txt"))).isEqualTo("mine");
    try (Stream<Path> left = Files.list(foreign)) {
      assertThat(left.count()).isEqualTo(1);
    }
    Path empty = Files.createDirectories(directory.resolve("empty"));
    assertThatThrownBy(() -> RocksDbStorage.restore(empty, directory.resolve("target")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("holds no Factum backup");
    assertThat(Files.exists(directory.resolve("target"))).isFalse();
    assertThatThrownBy(() -> RocksDbStorage.restore(backup, data))
        .isInstanceOf(InvalidArgumentException.class);
  }

  private static void append(FactumStore store, String stream, int count) {
    for (int done = 0; done < count; done += 100) {
      List<EventData> events = new ArrayList<>();
      for (int i = 0; i < Math.min(100, count - done); i++) {
        events.add(
            EventData.json("T", "{\"i\":" + (done + i) + ",\"pad\":\"" + "x".repeat(200) + "\"}"));
      }
      store.append(stream, ExpectedRevision.any(), events);
    }
  }
}
