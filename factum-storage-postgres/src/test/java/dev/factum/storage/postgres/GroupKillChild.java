package dev.factum.storage.postgres;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.tck.crash.GroupKillWorker;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server process {@link GroupKillTest} kills: a store on the test's database (leases of {@code
 * lease} ms) whose consumers work through group {@code g} as {@link GroupKillWorker} says.
 * Arguments: JDBC URL, user, password, lease in milliseconds, journal file, consumer count.
 */
public final class GroupKillChild {
  private GroupKillChild() {}

  public static void main(String[] args) throws Exception {
    PostgresConfig config = PostgresConfig.of(args[0], args[1], args[2]).withPoolSize(4);
    FactumStore store =
        PostgresEventStore.open(
            config,
            StoreOptions.DEFAULT.withGroupLease(Duration.ofMillis(Long.parseLong(args[3]))));
    GroupKillWorker.run(store, Path.of(args[4]), Integer.parseInt(args[5]));
  }
}
