package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.system.StorageUnderTest.Kind;
import dev.factum.tck.history.LinearizabilityChecker;
import dev.factum.tck.history.Operation;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optimistic concurrency over HTTP is linearizable: many clients race appends and reads on a few
 * hot streams of a real server process, and the {@link LinearizabilityChecker} judges each recorded
 * history (one winner per expected revision, every conflict explained, real-time order of
 * positions, reads that are prefixes including everything completed before them).
 *
 * <p>Rounds ({@code -Dfactum.history.rounds}, 2 by default) each record one history on fresh
 * streams for {@code -Dfactum.history.seconds} (3 by default); {@code -Plong} runs 20 rounds of 15
 * s. Seed: printed, replayed with {@code -Dfactum.history.seed}.
 */
class LinearizabilityTest {
  static final int CLIENTS = 12;
  static final int STREAMS = 3;

  @TempDir Path temp;

  /** Totals over the rounds of one run. */
  record Totals(int histories, long operations, long appended, long conflicts, long reads) {}

  static Totals run(String name, List<ServerProcess> servers, long seed) throws Exception {
    int rounds = Integer.getInteger("factum.history.rounds", 2);
    long millis = Integer.getInteger("factum.history.seconds", 3) * 1000L;
    System.out.printf(
        "%s: %d rounds of %d ms, %d clients on %d streams, seed %d (replay with"
            + " -Dfactum.history.seed=%d)%n",
        name, rounds, millis, CLIENTS, STREAMS, seed, seed);
    SplittableRandom random = new SplittableRandom(seed);
    long operations = 0;
    long appended = 0;
    long conflicts = 0;
    long reads = 0;
    for (int round = 0; round < rounds; round++) {
      List<String> streams =
          List.of("race" + round + "-a", "race" + round + "-b", "race" + round + "-c");
      List<Operation> history =
          HistoryClients.run(servers, streams, CLIENTS, millis, random.nextLong());
      LinearizabilityChecker.Report report = LinearizabilityChecker.check(history);
      System.out.printf("%s: round %d: %s%n", name, round, report);
      assertThat(report.ok()).as("round %d of seed %d: %s", round, seed, report).isTrue();
      assertThat(report.conflicts()).as("the clients must race").isPositive();
      operations += report.operations();
      appended += report.appended();
      conflicts += report.conflicts();
      reads += report.reads();
    }
    System.out.printf(
        "%s: %d histories, %d operations checked (%d appends ok, %d conflicts, %d reads)%n",
        name, rounds, operations, appended, conflicts, reads);
    return new Totals(rounds, operations, appended, conflicts, reads);
  }

  static long seed() {
    String given = System.getProperty("factum.history.seed", "");
    return given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.HOURS) // -Plong
  void racingClientsOnOneRocksDbServerMakeLinearizableHistories() throws Exception {
    try (StorageUnderTest storage = Kind.ROCKSDB.create(temp, "store");
        ServerProcess server = ServerProcess.start(storage, temp.resolve("server.log"))) {
      Totals totals = run("linearizability ROCKSDB", List.of(server), seed());
      assertThat(totals.appended()).isPositive();
      server.stop();
      storage.verifyOffline();
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.HOURS)
  void racingClientsOnTwoServersOverOnePostgresDatabaseMakeLinearizableHistories()
      throws Exception {
    try (StorageUnderTest storage = Kind.POSTGRES.create(temp, "store");
        ServerProcess a = ServerProcess.start(storage, temp.resolve("server-a.log"));
        ServerProcess b = ServerProcess.start(storage, temp.resolve("server-b.log"))) {
      Totals totals = run("linearizability POSTGRES, two servers", List.of(a, b), seed());
      assertThat(totals.appended()).isPositive();
      a.stop();
      b.stop();
      storage.verifyOffline();
    }
  }
}
