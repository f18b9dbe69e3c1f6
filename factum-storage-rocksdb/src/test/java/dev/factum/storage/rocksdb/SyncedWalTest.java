package dev.factum.storage.rocksdb;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.engine.FactumStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cheap default-build check of "durable before acknowledged" on RocksDB: RocksDB's own
 * statistics count at least one synced WAL write for every commit batch the pipeline made. It fails
 * when {@code WriteOptions.sync} is off (tried: 0 syncs); {@code PowerLossTest} in
 * factum-system-tests shows what that costs when the power goes.
 */
class SyncedWalTest {
  private static final Pattern WAL = Pattern.compile("Cumulative WAL: (\\d+) writes, (\\d+) syncs");

  @TempDir Path directory;

  /** {writes, syncs} of the WAL since the database was opened. */
  private static long[] wal(RocksDbStorage storage) {
    String stats = storage.property("rocksdb.dbstats");
    Matcher m = WAL.matcher(stats);
    assertThat(m.find()).as("RocksDB's WAL statistics in:%n%s", stats).isTrue();
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  @Test
  void everyCommitBatchIsASyncedWalWrite() throws Exception {
    RocksDbStorage storage = RocksDbStorage.open(directory);
    try (FactumStore store = FactumStore.open(storage)) {
      long[] before = wal(storage);
      long batchesBefore = store.pipelineStats().batches();
      for (int i = 0; i < 20; i++) {
        store.append("one-by-one", any(), List.of(EventData.json("T", "{\"i\":" + i + "}")));
      }
      List<CompletableFuture<AppendResult>> concurrent = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        concurrent.add(
            store.appendAsync(
                new AppendRequest("s-" + i % 7, any(), List.of(EventData.json("T", "{}")))));
      }
      CompletableFuture.allOf(concurrent.toArray(CompletableFuture[]::new)).join();
      long batches = store.pipelineStats().batches() - batchesBefore;
      long[] after = wal(storage);
      long syncs = after[1] - before[1];
      assertThat(batches).isBetween(21L, 220L);
      assertThat(syncs)
          .as(
              "synced WAL writes for %d commit batches (%d WAL writes)",
              batches, after[0] - before[0])
          .isGreaterThanOrEqualTo(batches);
    }
  }
}
