package dev.factum.storage.rocksdb.crash;

import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.crash.GroupKillHarness;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 of a process whose consumers work through a consumer group on RocksDB, then recovery,
 * several times over one store: {@link GroupKillHarness} (nothing below the recovered checkpoint
 * unhandled, parked stays parked, one output per ack-append, stream order). Cycles: {@code
 * -Dfactum.groupcrash.cycles} (4).
 */
class GroupCrashTest {
  @TempDir Path temp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void afterKillNineNothingIsSkippedParkedStaysParkedAndAckAppendsHaveOneEffect() throws Exception {
    int cycles = Integer.getInteger("factum.groupcrash.cycles", 4);
    Path directory = temp.resolve("store");
    GroupKillHarness.Storage rocksDb =
        new GroupKillHarness.Storage() {
          @Override
          public FactumStore open() {
            return RocksDbEventStore.open(directory);
          }

          @Override
          public List<String> childCommand(Path journal, int consumers) {
            return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                GroupCrashChild.class.getName(),
                directory.toString(),
                journal.toString(),
                Integer.toString(consumers));
          }
        };
    new GroupKillHarness(rocksDb, temp)
        .run(cycles, new SplittableRandom(ThreadLocalRandom.current().nextLong()));
  }
}
