package dev.factum.storage.rocksdb.crash;

import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.tck.crash.GroupKillWorker;
import java.nio.file.Path;

/**
 * The process {@link GroupCrashTest} kills: a RocksDB store whose consumers work through group
 * {@code g} as {@link GroupKillWorker} says. Arguments: data directory, journal file, consumer
 * count.
 */
public final class GroupCrashChild {
  private GroupCrashChild() {}

  public static void main(String[] args) throws Exception {
    FactumStore store = RocksDbEventStore.open(Path.of(args[0]));
    GroupKillWorker.run(store, Path.of(args[1]), Integer.parseInt(args[2]));
  }
}
