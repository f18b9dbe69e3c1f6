package dev.factum.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.StorageFailureException;
import dev.factum.engine.FactumStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory opens once at a time, and a refused opener says why and touches nothing. */
class DirectoryLockTest {
  @TempDir Path temp;

  @Test
  void aSecondOpenIsRefusedInPlainWordsAndLeavesTheRunningStoreAlone() throws Exception {
    Path data = temp.resolve("data");
    try (FactumStore store = RocksDbEventStore.open(data)) {
      store.append("s-1", ExpectedRevision.any(), List.of(EventData.json("A", "{}")));
      List<String> before = names(data);
      String log = Files.readString(data.resolve("LOG"));
      assertThatThrownBy(() -> RocksDbEventStore.open(data))
          .isInstanceOf(StorageFailureException.class)
          .hasMessageContaining("another Factum process holds " + data.toAbsolutePath())
          .hasMessageNotContaining("LOCK");
      // RocksDB's own refusal would have rotated the running store's LOG to LOG.old.*
      assertThat(names(data)).isEqualTo(before);
      assertThat(Files.readString(data.resolve("LOG"))).startsWith(log);
      assertThat(store.readStream("s-1", 0, Direction.FORWARD, 10).events()).hasSize(1);
    }
    try (FactumStore again = RocksDbEventStore.open(data)) {
      assertThat(again.headPosition()).isZero();
    }
  }

  @Test
  void aDirectoryHeldByRocksDbAloneIsNamedToo() throws Exception {
    Path data = temp.resolve("data");
    RocksDbEventStore.open(data).close();
    // an older Factum, or a RocksDB tool, holds RocksDB's lock but not Factum's
    try (RawRocks raw = new RawRocks(data)) {
      assertThat(raw.db).isNotNull();
      assertThatThrownBy(() -> RocksDbEventStore.open(data))
          .isInstanceOf(StorageFailureException.class)
          .hasMessageStartingWith("another process holds " + data.toAbsolutePath());
    }
    RocksDbEventStore.open(data).close();
  }

  @Test
  void aDataPathThatIsAFileOrCannotBeWrittenIsNamed() throws Exception {
    Path file = Files.writeString(temp.resolve("file"), "x");
    assertThatThrownBy(() -> RocksDbEventStore.open(file))
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("exists and is not a directory");
    assertThatThrownBy(() -> RocksDbEventStore.open(file.resolve("data")))
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("cannot create the data directory");
    // sysfs refuses new files even to root, so this holds whoever runs the test
    assertThatThrownBy(() -> RocksDbEventStore.open(Path.of("/sys")))
        .isInstanceOf(StorageFailureException.class)
        .hasMessageContaining("the data directory /sys is not writable");
  }

  private static List<String> names(Path directory) throws Exception {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
