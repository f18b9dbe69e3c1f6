package dev.factum.storage.postgres;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.tck.crash.GroupKillHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 of a server process on PostgreSQL whose consumers work through a consumer group (plain
 * acks, ack-appends and parks), then a new server process, several times: {@link GroupKillHarness}
 * (nothing below the recovered checkpoint unhandled, parked stays parked, one output per
 * ack-append, stream order). Each new child waits for the dead one's leases to run out (1 s here)
 * before it gets work. Cycles: {@code -Dfactum.groupcrash.cycles} (4).
 */
class GroupKillTest {
  private static final Duration LEASE = Duration.ofSeconds(1);

  @TempDir Path temp;

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void afterKillNineNothingIsSkippedParkedStaysParkedAndAckAppendsHaveOneEffect() throws Exception {
    int cycles = Integer.getInteger("factum.groupcrash.cycles", 4);
    PostgresFixture fixture = new PostgresFixture();
    PostgresConfig config = fixture.config();
    GroupKillHarness.Storage postgres =
        new GroupKillHarness.Storage() {
          @Override
          public FactumStore open() {
            return fixture.open(StoreOptions.DEFAULT.withGroupLease(LEASE));
          }

          @Override
          public List<String> childCommand(Path journal, int consumers) {
            return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                GroupKillChild.class.getName(),
                config.jdbcUrl(),
                config.user(),
                config.password(),
                Long.toString(LEASE.toMillis()),
                journal.toString(),
                Integer.toString(consumers));
          }
        };
    new GroupKillHarness(postgres, temp)
        .run(cycles, new SplittableRandom(ThreadLocalRandom.current().nextLong()));
  }
}
