package dev.factum.system;

import dev.factum.system.StorageUnderTest.Kind;
import dev.factum.tck.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The whole-process kill -9 loop, for any storage: start the real server (or two on one shared
 * store), put it under concurrent HTTP appends ({@link KillLoad}), SIGKILL it (or, per {@link
 * Victim}, the database server, or one of the two servers) at a random moment, restart, and audit
 * the whole log as every server serves it against the {@link ReferenceRecord} ({@link LogAudit})
 * before the next cycle.
 *
 * <p>Design note: one store lives for {@link #CYCLES_PER_STORE} cycles, so later cycles append to
 * streams (exact expected revisions included) whose heads were recovered many times over, and a
 * crash can be seen damaging what earlier ones left; then a fresh store starts, which keeps the
 * audit's full read of the log short in the long runs. Cycles: {@code -Dfactum.system.killCycles}
 * (20 by default, 1,000 with {@code -Plong}). Seed: printed, and replayed with {@code
 * -Dfactum.system.seed}; the kill instant is real time, so a replay repeats the workload's choices
 * and the delays, not the exact instant.
 */
final class KillNineHarness {
  static final int CYCLES_PER_STORE = 25;
  static final int WRITERS = 6;

  /** What to kill in a cycle. */
  enum Victim {
    /** The Factum server only. */
    FACTUM_SERVER,
    /** The database server (then the Factum server too, whose storage connection died under it). */
    DATABASE_SERVER,
    /**
     * One of two Factum servers sharing the store, both under load; the other keeps serving, and
     * after the restart both must pass the audit.
     */
    ONE_OF_TWO_FACTUM_SERVERS;

    int servers() {
      return this == ONE_OF_TWO_FACTUM_SERVERS ? 2 : 1;
    }
  }

  /** Totals over a run, for the printed summary. */
  record Totals(
      int cycles,
      long acknowledged,
      long multiStreamAcknowledged,
      long unknownPresent,
      long unknownAbsent,
      long rejected,
      int lastLogLength) {}

  private KillNineHarness() {}

  static long seed() {
    String given = System.getProperty("factum.system.seed", "");
    return given.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(given.trim());
  }

  static Totals run(Kind kind, Victim victim, int cycles, long seed, Path temp) throws Exception {
    String name = "kill -9 " + kind + " " + victim;
    System.out.printf(
        "%s: %d cycles, seed %d (replay with -Dfactum.system.seed=%d)%n", name, cycles, seed, seed);
    SplittableRandom random = new SplittableRandom(seed);
    long acknowledged = 0;
    long multiStream = 0;
    long unknownPresent = 0;
    long unknownAbsent = 0;
    long rejected = 0;
    int lastLog = 0;
    StorageUnderTest storage = null;
    List<ServerProcess> servers = new ArrayList<>();
    ReferenceRecord record = null;
    List<UUID> log = List.of();
    Map<String, Long> heads = Map.of();
    try {
      for (int cycle = 0; cycle < cycles; cycle++) {
        if (cycle % CYCLES_PER_STORE == 0) {
          storage =
              victim == Victim.DATABASE_SERVER
                  ? kind.createWithOwnDatabaseServer(temp, "store-" + cycle)
                  : kind.create(temp, "store-" + cycle);
          record = new ReferenceRecord(random.nextLong());
          log = List.of();
          heads = Map.of();
          for (int i = 0; i < victim.servers(); i++) {
            servers.add(
                ServerProcess.start(storage, temp.resolve("server-" + cycle + "-" + i + ".log")));
          }
        }
        long cycleSeed = random.nextLong();
        int killAfterMillis = random.nextInt(800);
        int killed = victim.servers() == 1 ? 0 : random.nextInt(victim.servers());
        List<KillLoad> loads = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
          String tag = "s" + cycle / CYCLES_PER_STORE + (char) ('a' + i);
          loads.add(new KillLoad(servers.get(i), record, heads, tag, WRITERS, cycleSeed + i));
        }
        try {
          Await.until(
              "a first acknowledgement",
              Duration.ofSeconds(30),
              () -> loads.stream().anyMatch(load -> load.acknowledged.get() > 0));
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(killAfterMillis));
          for (KillLoad load : loads) {
            load.killWindowOpens();
          }
          if (victim == Victim.DATABASE_SERVER) {
            storage.killDatabaseServer();
          }
          List<Integer> victims =
              victim == Victim.ONE_OF_TWO_FACTUM_SERVERS ? List.of(killed) : List.of(0);
          for (int i : victims) {
            servers.get(i).kill();
          }
          for (KillLoad load : loads) {
            load.awaitEnd();
          }
          record.inFlightBecomesUnknown();
          for (int i : victims) {
            servers.set(
                i,
                ServerProcess.start(
                    storage, temp.resolve("server-" + cycle + "-" + i + "-restart.log")));
          }
          LogAudit.Result audit = null;
          for (ServerProcess server : servers) {
            audit = LogAudit.audit(server, record, log);
          }
          for (KillLoad load : loads) {
            if (!load.failures.isEmpty()) {
              throw new AssertionError("broken promises during the load: " + load.failures);
            }
          }
          log = audit.log();
          heads = audit.heads();
          lastLog = log.size();
          if ((cycle + 1) % CYCLES_PER_STORE == 0 || cycle + 1 == cycles) {
            acknowledged += audit.acknowledged();
            multiStream += audit.multiStreamAcknowledged();
            unknownPresent += audit.unknownPresent();
            unknownAbsent += audit.unknownAbsent();
            rejected += audit.rejected();
            for (ServerProcess server : servers) {
              server.stop();
            }
            servers.clear();
            storage.verifyOffline();
            System.out.printf(
                "%s: %d cycles survived so far, %d acknowledged appends checked%n",
                name, cycle + 1, acknowledged);
            storage.close();
            storage = null;
          }
        } catch (AssertionError | Exception e) {
          throw new AssertionError(
              String.format(
                  "%s: cycle %d (seed %d, killed %d ms after the first ack): %s",
                  name, cycle, seed, killAfterMillis, e.getMessage()),
              e);
        }
      }
    } finally {
      for (ServerProcess server : servers) {
        server.close();
      }
      if (storage != null) {
        storage.close();
      }
    }
    Totals totals =
        new Totals(
            cycles, acknowledged, multiStream, unknownPresent, unknownAbsent, rejected, lastLog);
    System.out.printf(
        "%s: %d cycles survived, %d acknowledged appends checked (%d multi-stream), %d unknown outcomes (%d present"
            + " whole, %d absent), %d rejected, %d events in the last store%n",
        name,
        cycles,
        acknowledged,
        multiStream,
        unknownPresent + unknownAbsent,
        unknownPresent,
        unknownAbsent,
        rejected,
        lastLog);
    return totals;
  }
}
