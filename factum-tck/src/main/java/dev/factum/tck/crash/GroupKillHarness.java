package dev.factum.tck.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.NotDeliveredException;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Kill -9 of a process whose consumers work through a consumer group, then recovery, several times
 * over one store, for any storage ({@link GroupKillWorker} is what the killed process does). After
 * each kill the harness opens the store and checks, against the children's journals:
 *
 * <ul>
 *   <li>the store verifies clean;
 *   <li>nothing is skipped: every input below the recovered (durable) checkpoint was acked,
 *       ack-appended or parked by some child;
 *   <li>exactly-once effects: no input has two outputs, every acknowledged ack-append has its
 *       output, and an ack-appended input is never handed out again after a restart;
 *   <li>every parked event is still parked;
 *   <li>stream order: within a run, a stream's events were handed out in revision order with no
 *       gap, and the first one handed out in a run had every earlier revision done before.
 * </ul>
 *
 * Plain acks newer than the last checkpoint write may be handed out again (the documented
 * redelivery window); the harness prints how many were. Finally it drains the group itself and
 * checks one output per ack-appended input. A child is killed a random 300–1,000 ms after it first
 * got work (or, when it gets none, after it was ready), so on a storage with leases the wait for
 * the dead child's leases does not use up the run.
 */
public final class GroupKillHarness {
  /** How a storage's test opens its store and starts the child that is killed. */
  public interface Storage {
    /** The store on the data every child works on (closed by the harness). */
    FactumStore open();

    /** The child process's command: {@link GroupKillWorker#run} with this journal. */
    List<String> childCommand(Path journal, int consumers);
  }

  private static final int CONSUMERS = 3;
  private static final int STREAMS = 24;
  private static final int ROUNDS = 15;

  private final Storage storage;
  private final Path temp;

  public GroupKillHarness(Storage storage, Path temp) {
    this.storage = storage;
    this.temp = temp;
  }

  /** Fills the store and creates group {@code g}, then kills {@code cycles} children. */
  public void run(int cycles, SplittableRandom random) throws IOException, InterruptedException {
    try (FactumStore store = storage.open()) {
      for (int round = 0; round < ROUNDS; round++) {
        for (int s = 0; s < STREAMS; s++) {
          String type = round == 5 && s % 8 == 3 ? "Poison" : "In";
          store.append(
              new AppendRequest(
                  stream(s), ExpectedRevision.any(), List.of(EventData.json(type, "{}"))));
        }
      }
      store
          .consumerGroups()
          .create(
              GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in")))
                  .with(
                      GroupSettings.DEFAULT
                          .withAckTimeout(Duration.ofSeconds(3))
                          .withRetries(100, Duration.ofMillis(10))));
    }
    Map<Long, String> done = new HashMap<>(); // input position -> ACKED / APPENDED / PARKED
    // inputs whose ack, ack-append or park was called: done unless the kill came first
    Set<Long> handling = new HashSet<>();
    Set<Long> appended = new HashSet<>();
    int redeliveredPlainAcks = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      Path journal = temp.resolve("journal-" + cycle + ".txt");
      runAndKill(journal, cycle, 300 + random.nextInt(700));
      List<String[]> lines = read(journal);
      redeliveredPlainAcks += checkRun(lines, done, handling, appended);
      checkRecovered(done, handling, appended);
    }
    drainAndCheck(appended);
    System.out.printf(
        "group kill harness: %d kills, %d inputs done by children, %d ack-appends, %d plain acks"
            + " redelivered after a restart (the window)%n",
        cycles, done.size(), appended.size(), redeliveredPlainAcks);
    assertThat(done).as("the children made progress").isNotEmpty();
  }

  private static String stream(int s) {
    return (s % 2 == 0 ? "in-E" : "in-O") + s;
  }

  /**
   * Checks one child's journal for stream order and no redelivery of ack-appends, and adds what it
   * did to {@code done}; returns how many plain acks of earlier runs it got again.
   */
  private static int checkRun(
      List<String[]> lines, Map<Long, String> done, Set<Long> handling, Set<Long> appended) {
    Set<Long> before = new HashSet<>(done.keySet()); // done, or maybe done, in earlier runs
    before.addAll(handling);
    Map<Long, String> doneBefore = new HashMap<>(done);
    Map<String, Long> lastGot = new HashMap<>();
    int redelivered = 0;
    for (String[] f : lines) {
      switch (f[0]) {
        case "UNEXPECTED" -> throw new AssertionError("the child failed: " + String.join(" ", f));
        case "GOT" -> {
          long position = Long.parseLong(f[1]);
          String stream = f[2];
          long revision = Long.parseLong(f[3]);
          assertThat(appended)
              .as("an ack-appended input was handed out again after a restart")
              .doesNotContain(position);
          if ("ACKED".equals(doneBefore.get(position))) {
            redelivered++;
          }
          // A GOT line is written before the handler acks, so within one run a stream's GOT
          // lines follow its order: each is the previous revision again or a later one, and a
          // revision passed over was done in an earlier run (say a plain ack of the previous one
          // fell in the redelivery window while the next one's ack-append was durable).
          Long previous = lastGot.put(stream, revision);
          long index = position - revision * STREAMS; // inputs were appended round by round
          if (previous != null) {
            assertThat(revision)
                .as("%s@%d handed out after %s@%d", stream, revision, stream, previous)
                .isGreaterThanOrEqualTo(previous);
            for (long skipped = previous + 1; skipped < revision; skipped++) {
              assertThat(before)
                  .as(
                      "%s@%d handed out after %s@%d, but %s@%d was not done",
                      stream, revision, stream, previous, stream, skipped)
                  .contains(skipped * STREAMS + index);
            }
          } else {
            for (long earlier = 0; earlier < revision; earlier++) {
              assertThat(before)
                  .as(
                      "%s@%d handed out first, but %s@%d was not done",
                      stream, revision, stream, earlier)
                  .contains(earlier * STREAMS + index);
            }
          }
        }
        case "HANDLING" -> handling.add(Long.parseLong(f[1]));
        case "ACKED", "PARKED" -> done.put(Long.parseLong(f[1]), f[0]);
        case "APPENDED" -> {
          done.put(Long.parseLong(f[1]), f[0]);
          appended.add(Long.parseLong(f[1]));
        }
        default -> {}
      }
    }
    return redelivered;
  }

  private void checkRecovered(Map<Long, String> done, Set<Long> handling, Set<Long> appended) {
    try (FactumStore store = storage.open()) {
      // An ack-append whose outcome the kill kept out of the journal shows by its output.
      for (Long input : outputs(store).keySet()) {
        done.put(input, "APPENDED");
        appended.add(input);
      }
      VerifyReport report = store.verify();
      assertThat(report.ok()).as("verify after recovery: %s", report).isTrue();
      ConsumerGroups groups = store.consumerGroups();
      long checkpoint = groups.status("g").durableCheckpoint();
      for (RecordedEvent input : inputs(store)) {
        if (input.position() < checkpoint) {
          assertThat(done)
              .as(
                  "input %d is below the checkpoint %d but nobody handled it",
                  input.position(), checkpoint)
              .matches(
                  handled ->
                      handled.containsKey(input.position()) || handling.contains(input.position()));
        }
      }
      Map<Long, Integer> outputs = outputs(store);
      assertThat(outputs.values()).as("outputs per input").allMatch(n -> n == 1);
      assertThat(outputs.keySet()).containsAll(appended);
      Set<Long> parked = new HashSet<>();
      for (ParkedEvent event : groups.parked("g")) {
        parked.add(event.position());
      }
      for (Map.Entry<Long, String> entry : done.entrySet()) {
        if (entry.getValue().equals("PARKED")) {
          assertThat(parked).contains(entry.getKey());
        }
      }
    }
  }

  /** Handles everything left, as the children would, then checks the end state. */
  private void drainAndCheck(Set<Long> appended) {
    try (FactumStore store = storage.open()) {
      ConsumerGroups groups = store.consumerGroups();
      long head = store.headPosition();
      while (!groups.awaitProcessed("g", head, Duration.ZERO)) {
        for (Delivery d : groups.poll("g", "drain", 10, Duration.ofSeconds(5))) {
          RecordedEvent e = d.event();
          assertThat(appended).doesNotContain(e.position());
          try {
            drain(groups, e);
          } catch (NotDeliveredException late) {
            // handled past its ack timeout (a loaded machine): nothing was written, it comes again
          }
        }
      }
      Map<Long, Integer> outputs = outputs(store);
      long expected =
          inputs(store).stream()
              .filter(e -> e.stream().startsWith("in-E") && !e.type().equals("Poison"))
              .count();
      assertThat(outputs).hasSize((int) expected);
      assertThat(outputs.values()).allMatch(n -> n == 1);
      assertThat(groups.parked("g")).hasSize(STREAMS / 8);
    }
  }

  private static void drain(ConsumerGroups groups, RecordedEvent e) {
    if (e.type().equals("Poison")) {
      groups.park("g", "drain", e.position(), "poison");
    } else if (e.stream().startsWith("in-E")) {
      groups.appendAndAck(
          "g",
          "drain",
          List.of(e.position()),
          new AppendRequest(
              "out-" + e.stream(),
              ExpectedRevision.any(),
              List.of(EventData.json("Out", "{\"input\":" + e.position() + "}"))));
    } else {
      groups.ack("g", "drain", e.position());
    }
  }

  private static List<RecordedEvent> inputs(FactumStore store) {
    return readAll(store, LogFilter.categories("in"));
  }

  private static Map<Long, Integer> outputs(FactumStore store) {
    Map<Long, Integer> outputs = new HashMap<>();
    for (RecordedEvent e : readAll(store, LogFilter.categories("out"))) {
      String data = new String(e.data(), StandardCharsets.UTF_8);
      long input = Long.parseLong(data.replaceAll("[^0-9]", ""));
      outputs.merge(input, 1, Integer::sum);
    }
    return outputs;
  }

  private static List<RecordedEvent> readAll(FactumStore store, LogFilter filter) {
    List<RecordedEvent> all = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 1000, filter);
      all.addAll(page.events());
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }

  private void runAndKill(Path journal, int cycle, int killAfterMillis)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(storage.childCommand(journal, CONSUMERS));
    builder.redirectErrorStream(true);
    Path log = temp.resolve("group-child-" + cycle + ".log");
    builder.redirectOutput(log.toFile());
    Process child = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(Files.exists(journal) && Files.readString(journal).contains("READY\n"))) {
        assertThat(child.isAlive()).as("child exited early: %s", Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("child did not get ready").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      // work to be under way before the kill timer starts (or a few seconds without any)
      long working = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!Files.readString(journal).contains("\nGOT ") && System.nanoTime() < working) {
        assertThat(child.isAlive()).as("child exited early: %s", Files.readString(log)).isTrue();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(child.waitFor(killAfterMillis, TimeUnit.MILLISECONDS))
          .as("the child must still be running when it is killed: %s", Files.readString(log))
          .isFalse();
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      child.waitFor();
    }
  }

  /** The journal's whole lines (a line cut by the kill never counted). */
  private static List<String[]> read(Path journal) throws IOException {
    String text = Files.readString(journal, StandardCharsets.UTF_8);
    List<String[]> lines = new ArrayList<>();
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      lines.add(line.split(" "));
    }
    return lines;
  }
}
