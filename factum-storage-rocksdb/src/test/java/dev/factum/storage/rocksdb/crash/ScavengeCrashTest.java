package dev.factum.storage.rocksdb.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamMetadata;
import dev.factum.api.scavenge.ScavengeStatus;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scavenging survives kill -9 (docs/LIFECYCLE.md, "Scavenging"): a child JVM scavenges a store
 * where 90% of the events are hidden by {@code maxCount}, slowly, while two writers append and a
 * reader checks every read serves only visible events; it is killed with SIGKILL mid-run. The
 * parent then reopens the store (which resumes the interrupted run) and checks: the run was
 * interrupted (its progress record said running) and resumes to done; after one more run, the store
 * verifies; every stream shows exactly its newest {@code maxCount} revisions, densely, and each
 * acknowledged event among them is there byte for byte at its position; the log holds nothing of
 * the streams below their floors; and the child's reader never saw an invisible event. Cycles:
 * {@code -Dfactum.scavenge.killCycles} (1 by default, 50 with {@code -Plong}).
 */
class ScavengeCrashTest {
  private static final int STREAMS = 12;
  private static final long MAX_COUNT = 20;
  private static final int EVENTS_PER_STREAM = 200;
  private static final long RATE = 1_500;

  @TempDir Path temp;

  static String stream(int i) {
    return "item-" + i;
  }

  @Test
  void aScavengeKilledMidRunResumesAndLosesNothingVisible() throws Exception {
    int cycles = Integer.getInteger("factum.scavenge.killCycles", 1);
    Path data = temp.resolve("data");
    try (FactumStore store = RocksDbEventStore.open(data)) {
      for (int s = 0; s < STREAMS; s++) {
        store.append(
            stream(s),
            ExpectedRevision.noStream(),
            IntStream.range(0, EVENTS_PER_STREAM)
                .mapToObj(i -> EventData.json("Added", "{\"seed\":" + i + "}"))
                .toList());
        store.setStreamMetadata(
            stream(s), ExpectedRevision.noStream(), StreamMetadata.NONE.withMaxCount(MAX_COUNT));
      }
    }
    Map<Long, String> acknowledged = new HashMap<>(); // position -> "stream revision data"
    int interrupted = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      if (cycle > 0) { // give the next run something to remove again
        try (FactumStore store = RocksDbEventStore.open(data)) {
          awaitDone(store);
          for (int s = 0; s < STREAMS; s++) {
            store.append(
                stream(s),
                ExpectedRevision.any(),
                IntStream.range(0, EVENTS_PER_STREAM)
                    .mapToObj(i -> EventData.json("Added", "{\"refill\":" + i + "}"))
                    .toList());
          }
        }
      }
      Path journal = temp.resolve("journal-" + cycle);
      runAndKill(data, journal, cycle, 400 + ThreadLocalRandom.current().nextInt(600));
      List<String> lines = journalLines(journal);
      assertThat(lines).filteredOn(l -> l.startsWith("UNEXPECTED")).isEmpty();
      for (String line : lines) {
        if (line.startsWith("ACK ")) {
          String[] f = line.split(" ", 5);
          acknowledged.put(Long.parseLong(f[3]), f[1] + " " + f[2] + " " + f[4]);
        }
      }
      try (FactumStore store = RocksDbEventStore.open(data)) {
        ScavengeStatus atOpen = store.scavengeStatus();
        if (atOpen.isRunning()) {
          interrupted++;
        }
        awaitDone(store);
        // The resumed run went on from the stream after its cursor; the child's appends to the
        // streams before it are removed by the next run, with nothing appending meanwhile.
        store.startScavenge(0);
        awaitDone(store);
        check(store, acknowledged);
      }
    }
    assertThat(interrupted).as("runs killed while scavenging").isGreaterThan(0);
  }

  private static void awaitDone(FactumStore store) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (store.scavengeStatus().isRunning()) {
      assertThat(System.nanoTime()).as("the resumed run ends").isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    assertThat(store.scavengeStatus().state())
        .as("%s", store.scavengeStatus())
        .isIn(ScavengeStatus.State.DONE, ScavengeStatus.State.IDLE);
  }

  private static void check(FactumStore store, Map<Long, String> acknowledged) {
    VerifyReport report = store.verify();
    assertThat(report.ok()).as("%s", report).isTrue();
    Map<String, Long> floors = new HashMap<>();
    for (int s = 0; s < STREAMS; s++) {
      String stream = stream(s);
      long last = store.streamState(stream).lastRevision();
      List<RecordedEvent> visible = store.readStream(stream, 0, Direction.FORWARD, 1000).events();
      assertThat(visible)
          .extracting(RecordedEvent::revision)
          .as(stream)
          .containsExactlyElementsOf(
              IntStream.rangeClosed((int) (last + 1 - MAX_COUNT), (int) last)
                  .mapToObj(i -> (long) i)
                  .toList());
      floors.put(stream, last + 1 - MAX_COUNT);
      for (RecordedEvent event : visible) {
        String ack = acknowledged.get(event.position());
        if (ack != null) {
          assertThat(event.stream() + " " + event.revision() + " " + text(event))
              .as("acknowledged event at " + event.position())
              .isEqualTo(ack);
        }
      }
    }
    // Every acknowledged event still visible is there; nothing below a floor is left in the log.
    Map<Long, RecordedEvent> log = new HashMap<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
      for (RecordedEvent event : page.events()) {
        log.put(event.position(), event);
        Long floor = floors.get(event.stream());
        assertThat(floor == null || event.revision() >= floor)
            .as("the log still serves invisible %s@%d", event.stream(), event.revision())
            .isTrue();
      }
      if (page.endOfRead()) {
        break;
      }
      from = page.next();
    }
    for (Map.Entry<Long, String> ack : acknowledged.entrySet()) {
      String[] f = ack.getValue().split(" ", 3);
      if (Long.parseLong(f[1]) >= floors.get(f[0])) {
        assertThat(log)
            .as("acknowledged visible event at %d", ack.getKey())
            .containsKey(ack.getKey());
      }
    }
  }

  private static String text(RecordedEvent event) {
    return new String(event.data(), StandardCharsets.UTF_8);
  }

  private void runAndKill(Path directory, Path journal, int cycle, int killAfterMillis)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path output = temp.resolve("child-" + cycle + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            ScavengeCrashChild.class.getName(),
            directory.toString(),
            journal.toString(),
            Integer.toString(cycle),
            Integer.toString(STREAMS),
            Long.toString(MAX_COUNT),
            Long.toString(RATE));
    builder.redirectErrorStream(true);
    builder.redirectOutput(output.toFile());
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(Files.exists(journal) && Files.readString(journal).contains("READY\n"))) {
        assertThat(child.isAlive()).as("child exited early: %s", Files.readString(output)).isTrue();
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

  private static List<String> journalLines(Path journal) throws IOException {
    String text = Files.readString(journal, StandardCharsets.UTF_8);
    // A line cut by the kill has no newline: it never counted.
    return new ArrayList<>(List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n")));
  }
}
