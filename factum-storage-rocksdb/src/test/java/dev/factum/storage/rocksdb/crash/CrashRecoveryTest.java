package dev.factum.storage.rocksdb.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 under concurrent appends, then recovery, many times over one store.
 *
 * <p>Each cycle starts {@link CrashChild} in a fresh JVM on the same data directory, lets it append
 * from several threads for a random while, and kills it with SIGKILL. The test then opens the store
 * itself and checks, against the child's journal and the deterministic {@link CrashWorkload}:
 *
 * <ul>
 *   <li>the store verifies clean (dense positions and revisions, checksums, every index entry);
 *   <li>every acknowledged append is present byte for byte at its acknowledged revisions and
 *       positions;
 *   <li>every event present belongs to an append that was sent, and that append is present whole,
 *       at consecutive positions (an unacknowledged append is all there or not there at all);
 *   <li>the child never met a conflict on its private streams (recovered heads are exact).
 * </ul>
 *
 * Cycles: {@code -Dfactum.crash.cycles} (20 by default, 500 with {@code -Plong}); seed: printed,
 * and replayed with {@code -Dfactum.crash.seed=...}. Kill timing is real time, so a replay repeats
 * the workload and delays but not the exact instant of the kill.
 */
class CrashRecoveryTest {
  private static final int WRITERS = 6;
  private static final int CYCLES_PER_STORE = 5;

  @TempDir Path temp;

  @Test
  @Timeout(value = 3, unit = TimeUnit.HOURS) // the long profile runs hundreds of cycles
  void acknowledgedAppendsSurviveKillNineAndNothingIsHalfWritten() throws Exception {
    int cycles = Integer.getInteger("factum.crash.cycles", 20);
    long seed = seed();
    System.out.printf(
        "crash test: %d cycles, seed %d (replay with -Dfactum.crash.seed=%d)%n",
        cycles, seed, seed);
    SplittableRandom random = new SplittableRandom(seed);
    Path directory = null;
    long acknowledged = 0;
    long events = 0;
    List<RecordedEvent> before = List.of();
    for (int cycle = 0; cycle < cycles; cycle++) {
      if (cycle % CYCLES_PER_STORE == 0) {
        directory = Files.createDirectory(temp.resolve("store-" + cycle));
        before = List.of();
      }
      long cycleSeed = random.nextLong();
      int killAfterMillis = 100 + random.nextInt(900);
      Path journal = temp.resolve("journal-" + cycle + ".txt");
      runAndKill(directory, journal, cycle, cycleSeed, killAfterMillis);
      Journal sent = Journal.read(journal);
      try {
        List<RecordedEvent> after = check(directory, sent, cycle, cycleSeed);
        assertThat(after.size())
            .as("events lost by a later crash")
            .isGreaterThanOrEqualTo(before.size());
        assertThat(after.subList(0, before.size()))
            .as("events of earlier cycles changed by a later crash")
            .isEqualTo(before);
        before = after;
        events = after.size();
      } catch (AssertionError e) {
        throw new AssertionError(
            "cycle "
                + cycle
                + " (seed "
                + seed
                + ", killed after "
                + killAfterMillis
                + " ms): "
                + e.getMessage(),
            e);
      }
      acknowledged += sent.acks.size();
    }
    System.out.printf(
        "crash test: %d cycles survived, %d acknowledged appends checked, %d events in the last store%n",
        cycles, acknowledged, events);
    assertThat(acknowledged).as("the children must have made progress").isPositive();
  }

  private static long seed() {
    String given = System.getProperty("factum.crash.seed", "");
    return given.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(given.trim());
  }

  private void runAndKill(
      Path directory, Path journal, int cycle, long cycleSeed, int killAfterMillis)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            CrashChild.class.getName(),
            directory.toString(),
            journal.toString(),
            Integer.toString(cycle),
            Long.toString(cycleSeed),
            Integer.toString(WRITERS));
    builder.redirectErrorStream(true);
    builder.redirectOutput(temp.resolve("child-" + cycle + ".log").toFile());
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!readyIn(journal)) {
        assertThat(child.isAlive())
            .as("child exited early: %s", Files.readString(temp.resolve("child-" + cycle + ".log")))
            .isTrue();
        assertThat(System.nanoTime()).as("child did not get ready").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(child.waitFor(killAfterMillis, TimeUnit.MILLISECONDS))
          .as("the child must still be running when it is killed")
          .isFalse();
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor();
    }
  }

  private static boolean readyIn(Path journal) throws IOException {
    return Files.exists(journal) && Files.readString(journal).contains("READY\n");
  }

  /** What the child's journal says: appends sent, and acknowledgements. */
  private record Journal(Set<String> sent, List<String[]> acks, List<String> unexpected) {
    static Journal read(Path file) throws IOException {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      // A line cut by the kill has no newline: it never counted.
      String[] lines = text.substring(0, text.lastIndexOf('\n') + 1).split("\n");
      Set<String> sent = new HashSet<>();
      List<String[]> acks = new ArrayList<>();
      List<String> unexpected = new ArrayList<>();
      for (String line : lines) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "SENT" -> sent.add(f[1] + " " + f[2]);
          case "ACK" -> acks.add(f);
          case "UNEXPECTED" -> unexpected.add(line);
          default -> {}
        }
      }
      return new Journal(sent, acks, unexpected);
    }
  }

  private List<RecordedEvent> check(Path directory, Journal journal, int cycle, long cycleSeed) {
    assertThat(journal.unexpected()).as("failures the child met").isEmpty();
    try (FactumStore store = RocksDbEventStore.open(directory)) {
      VerifyReport report = store.verify();
      assertThat(report.ok()).as("verify after recovery: %s", report).isTrue();
      List<RecordedEvent> log = readAll(store);
      assertThat(log).hasSize((int) (store.headPosition() + 1));

      for (String[] ack : journal.acks()) {
        int writer = Integer.parseInt(ack[1]);
        int index = Integer.parseInt(ack[2]);
        String stream = ack[3];
        long firstRevision = Long.parseLong(ack[4]);
        long firstPosition = Long.parseLong(ack[6]);
        long lastPosition = Long.parseLong(ack[7]);
        CrashWorkload.Part part =
            CrashWorkload.plan(cycle, cycleSeed, writer, index).stream()
                .filter(p -> p.stream().equals(stream))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            "ack for a stream never sent: " + String.join(" ", ack)));
        assertThat(lastPosition - firstPosition + 1).isEqualTo(part.events().size());
        for (int i = 0; i < part.events().size(); i++) {
          RecordedEvent stored = log.get((int) (firstPosition + i));
          assertSame(part.events().get(i), stored);
          assertThat(stored.stream()).isEqualTo(stream);
          assertThat(stored.revision()).isEqualTo(firstRevision + i);
        }
      }

      Map<String, List<RecordedEvent>> byAppend = new HashMap<>();
      for (RecordedEvent event : log) {
        int[] origin = CrashWorkload.decode(event.id());
        assertThat(origin).as("foreign event %s", event).isNotNull();
        if (origin[0] == cycle) {
          byAppend.computeIfAbsent(origin[1] + " " + origin[2], k -> new ArrayList<>()).add(event);
        }
      }
      for (Map.Entry<String, List<RecordedEvent>> found : byAppend.entrySet()) {
        assertThat(journal.sent())
            .as("append %s is present but was never sent", found.getKey())
            .contains(found.getKey());
        String[] key = found.getKey().split(" ");
        List<EventData> planned =
            CrashWorkload.plan(cycle, cycleSeed, Integer.parseInt(key[0]), Integer.parseInt(key[1]))
                .stream()
                .flatMap(p -> p.events().stream())
                .toList();
        List<RecordedEvent> present = found.getValue();
        assertThat(present)
            .as("append %s is partly present", found.getKey())
            .hasSize(planned.size());
        for (int i = 0; i < planned.size(); i++) {
          assertSame(planned.get(i), present.get(i));
          assertThat(present.get(i).position()).isEqualTo(present.getFirst().position() + i);
        }
      }
      return log;
    }
  }

  private static void assertSame(EventData sent, RecordedEvent stored) {
    assertThat(stored.id()).isEqualTo(sent.id());
    assertThat(stored.type()).isEqualTo(sent.type());
    assertThat(Arrays.equals(stored.data(), sent.data())).as("data of %s", stored).isTrue();
    assertThat(Arrays.equals(stored.metadata(), sent.metadata()))
        .as("metadata of %s", stored)
        .isTrue();
    assertThat(stored.tags()).isEqualTo(sent.tags());
  }

  private static List<RecordedEvent> readAll(FactumStore store) {
    List<RecordedEvent> all = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 5000, LogFilter.none());
      all.addAll(page.events());
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }
}
