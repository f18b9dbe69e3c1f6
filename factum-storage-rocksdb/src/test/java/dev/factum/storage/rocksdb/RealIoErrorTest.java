package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.ErrorCode;
import dev.factum.api.EventData;
import dev.factum.api.FactumException;
import dev.factum.api.LogFilter;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StoreClosedException;
import dev.factum.engine.FactumStore;
import dev.factum.powerloss.testing.PowerLossFileSystem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real I/O errors, not the injected seam: the store runs on a {@link PowerLossFileSystem} that
 * answers EIO to the next write, or the next fdatasync, of RocksDB's write-ahead log. The store
 * must stop (fail-stop: {@code storage-failure}, never {@code storage-full}, every later write
 * {@code store-closed}); then the power is cut, and the store reopened on what survived must hold
 * every acknowledged append byte for byte, pass {@code verify}, and take a retry of the failed
 * append with the same event ids exactly once.
 */
class RealIoErrorTest {
  @TempDir Path temp;

  @Test
  void eioOnAWalWriteStopsTheStoreAndLosesNothingAcknowledged() throws Exception {
    failOneAppend(fs -> fs.failNextWrite(RealIoErrorTest::isWal));
  }

  @Test
  void eioOnAWalSyncStopsTheStoreAndLosesNothingAcknowledged() throws Exception {
    failOneAppend(fs -> fs.failNextSync(RealIoErrorTest::isWal));
  }

  private static boolean isWal(String path) {
    return path.endsWith(".log");
  }

  private static EventData event(int i) {
    return EventData.json("T", "{\"i\":" + i + ",\"s\":\"é€\"}")
        .withId(UUID.randomUUID())
        .withMetadata(("{\"m\":" + i + "}").getBytes(StandardCharsets.UTF_8))
        .withTags(Set.of("t" + i % 3, "all"));
  }

  private void failOneAppend(Consumer<PowerLossFileSystem> fault) throws Exception {
    List<EventData> acknowledged = new ArrayList<>();
    List<EventData> failed = List.of(event(100), event(101));
    Path survivors = temp.resolve("survivors");
    try (PowerLossFileSystem fs =
        PowerLossFileSystem.mount(temp.resolve("backing"), temp.resolve("mnt"))) {
      Path data = Files.createDirectory(fs.root().resolve("store"));
      try (FileChannel root = FileChannel.open(fs.root(), StandardOpenOption.READ)) {
        root.force(true);
      }
      FactumStore store = RocksDbEventStore.open(data);
      try {
        for (int i = 0; i < 10; i++) {
          EventData e = event(i);
          store.append("s-" + i % 2, any(), List.of(e));
          acknowledged.add(e);
        }
        fault.accept(fs);
        assertThatThrownBy(() -> store.append("s-0", any(), failed))
            .isInstanceOfSatisfying(
                FactumException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FAILURE));
        assertThat(fs.injectedFailures()).as("the EIO was answered").isEqualTo(1);
        assertThat(store.isStopped()).isTrue();
        assertThat(store.stopCause().code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
        assertThatThrownBy(() -> store.append("s-1", any(), List.of(event(200))))
            .isInstanceOf(StoreClosedException.class);
      } finally {
        fs.cutPower();
        closeQuietly(store);
      }
      fs.survivors(survivors, null);
    }
    try (FactumStore reopened = RocksDbEventStore.open(survivors.resolve("store"))) {
      List<RecordedEvent> log =
          reopened.readAll(0, Direction.FORWARD, 1000, LogFilter.none()).events();
      assertThat(log.size()).isIn(acknowledged.size(), acknowledged.size() + failed.size());
      for (int i = 0; i < acknowledged.size(); i++) {
        assertSame(log.get(i), acknowledged.get(i), i);
      }
      AppendResult retry = reopened.append("s-0", any(), failed);
      List<RecordedEvent> after =
          reopened.readAll(0, Direction.FORWARD, 1000, LogFilter.none()).events();
      assertThat(after).hasSize(acknowledged.size() + failed.size());
      assertThat(retry.firstPosition()).isEqualTo(acknowledged.size());
      for (int i = 0; i < failed.size(); i++) {
        assertSame(after.get(acknowledged.size() + i), failed.get(i), acknowledged.size() + i);
      }
      assertThat(reopened.verify().ok()).as(reopened.verify().toString()).isTrue();
    }
  }

  private static void assertSame(RecordedEvent read, EventData sent, long position) {
    assertThat(read.position()).isEqualTo(position);
    assertThat(read.id()).isEqualTo(sent.id());
    assertThat(read.data()).isEqualTo(sent.data());
    assertThat(read.metadata()).isEqualTo(sent.metadata());
    assertThat(read.tags()).isEqualTo(sent.tags());
  }

  private static void closeQuietly(FactumStore store) throws IOException {
    try {
      store.close();
    } catch (RuntimeException expected) {
      // closing after the cut meets EIO; nothing it would write could survive anyway
    }
  }
}
