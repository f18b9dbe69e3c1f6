package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.system.KillNineHarness.Victim;
import dev.factum.system.StorageUnderTest.Kind;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the whole server process under concurrent HTTP appends, per storage: after every
 * restart, every acknowledged append is present byte for byte where it was acknowledged, every
 * append of unknown outcome is wholly present or wholly absent, revisions are gapless, positions
 * dense and increasing, and nothing is present that was never sent ({@link LogAudit}). See {@link
 * KillNineHarness} for cycles and seeds.
 */
class KillNineTest {
  @TempDir Path temp;

  private static int cycles() {
    return Integer.getInteger("factum.system.killCycles", 12);
  }

  private static int databaseCycles() {
    return Integer.getInteger("factum.system.databaseKillCycles", 6);
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS) // -Plong: 1,000 cycles
  void rocksDbServerKilledUnderLoadKeepsEveryPromise() throws Exception {
    KillNineHarness.Totals totals =
        KillNineHarness.run(
            Kind.ROCKSDB, Victim.FACTUM_SERVER, cycles(), KillNineHarness.seed(), temp);
    assertThat(totals.acknowledged()).as("the load must have made progress").isPositive();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void postgresFactumServerKilledUnderLoadKeepsEveryPromise() throws Exception {
    KillNineHarness.Totals totals =
        KillNineHarness.run(
            Kind.POSTGRES, Victim.FACTUM_SERVER, cycles(), KillNineHarness.seed(), temp);
    assertThat(totals.acknowledged()).as("the load must have made progress").isPositive();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void postgresDatabaseServerKilledUnderLoadKeepsEveryPromise() throws Exception {
    KillNineHarness.Totals totals =
        KillNineHarness.run(
            Kind.POSTGRES, Victim.DATABASE_SERVER, databaseCycles(), KillNineHarness.seed(), temp);
    assertThat(totals.acknowledged()).as("the load must have made progress").isPositive();
  }

  /** Long tier only ({@code -Plong}): a third PostgreSQL variant would push the default build. */
  @Test
  @Tag("slow")
  @Timeout(value = 4, unit = TimeUnit.HOURS)
  void postgresOneOfTwoFactumServersKilledUnderLoadKeepsEveryPromise() throws Exception {
    KillNineHarness.Totals totals =
        KillNineHarness.run(
            Kind.POSTGRES,
            Victim.ONE_OF_TWO_FACTUM_SERVERS,
            databaseCycles(),
            KillNineHarness.seed(),
            temp);
    assertThat(totals.acknowledged()).as("the load must have made progress").isPositive();
  }
}
