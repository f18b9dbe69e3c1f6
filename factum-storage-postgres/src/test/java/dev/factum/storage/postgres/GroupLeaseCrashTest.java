package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.Delivery;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.tck.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a server process that holds partitions of a consumer group while the group's consumers
 * on it and on this test's own store work (docs/CONSUMERS.md, "Several servers on one PostgreSQL"):
 * this store takes the dead server's partitions over once their leases run out, and in the end
 * every input has exactly one output, in its stream's order: nothing below a checkpoint was
 * skipped, and nothing the dead server ack-appended was handled again.
 */
class GroupLeaseCrashTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int STREAMS = 32;
  private static final int PER_STREAM = 25;

  @TempDir Path temp;

  @Test
  void theDeadServersPartitionsAreTakenOverAndEveryInputHasOneOutputInOrder() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    try (FactumStore store = fixture.open(StoreOptions.DEFAULT.withGroupLease(LEASE))) {
      long last = 0;
      for (int r = 0; r < PER_STREAM; r++) {
        List<AppendRequest> batch = new ArrayList<>();
        for (int k = 0; k < STREAMS; k++) {
          batch.add(
              new AppendRequest(
                  "in-" + k, ExpectedRevision.any(), List.of(EventData.json("In", "{}"))));
        }
        last = store.appendAll(batch).results().getLast().lastPosition();
      }
      long lastInput = last;
      store
          .consumerGroups()
          .create(
              GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in")))
                  .with(GroupSettings.DEFAULT.withMaxInFlight(5)));
      Path log = temp.resolve("child.log");
      Process child = startChild(fixture.config(), log);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong mine = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      long killedAt;
      try {
        Await.until("the child to work", WAIT, () -> appended(log) >= 100);
        GroupWorker.Observer count =
            new GroupWorker.Observer() {
              @Override
              public void delivered(Delivery delivery) {}

              @Override
              public void appended(Delivery delivery) {
                mine.incrementAndGet();
              }
            };
        for (int c = 0; c < 2; c++) {
          String consumer = "parent-" + c;
          threads.add(
              Thread.ofPlatform()
                  .start(() -> GroupWorker.consume(store, consumer, running::get, count)));
        }
        long before = appended(log);
        Await.until(
            "both servers to work", WAIT, () -> mine.get() >= 50 && appended(log) >= before + 50);
      } finally {
        child.destroyForcibly(); // SIGKILL on Linux
        child.waitFor();
        killedAt = System.nanoTime();
      }
      long childDone = appended(log);
      try {
        Await.until(
            "every input handled after the kill",
            WAIT,
            () -> store.consumerGroups().status("g").checkpoint() > lastInput);
      } finally {
        running.set(false);
        for (Thread thread : threads) {
          thread.join();
        }
      }
      long tookOver = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf(
          "group lease crash test: child ack-appended %d, this server %d; all done %d ms after"
              + " the kill (lease %d ms)%n",
          childDone, mine.get(), tookOver, LEASE.toMillis());
      assertThat(childDone).isLessThan(STREAMS * PER_STREAM);
      assertThat(GroupWorker.check(store, STREAMS, PER_STREAM)).isEmpty();
      assertThat(store.verify().ok()).isTrue();
    }
  }

  /**
   * A server process paused (SIGSTOP) while it holds every partition and has deliveries in hand:
   * this store takes the partitions over once their leases run out and finishes the work; then the
   * paused process resumes with its stale state. It hands nothing out of what it lost, its late
   * ack-appends are refused (fenced), and it rejoins and takes a share of new work (waves are
   * appended until it has handled some): in the end every input still has exactly one output, in
   * its stream's order.
   *
   * <p>Slow (tag {@code slow}, run with {@code -Plong}): a pause that catches the child holding the
   * commit lock lasts until PostgreSQL ends its session (15 s), so the test takes about a minute.
   */
  @Test
  @Tag("slow")
  void aPausedServerLosesItsPartitionsAndItsLateAcksAreRefused() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    int streams = 16;
    int perStream = 20;
    try (FactumStore store = fixture.open(StoreOptions.DEFAULT.withGroupLease(LEASE))) {
      long firstWave = appendWave(store, streams, perStream);
      store
          .consumerGroups()
          .create(
              GroupDefinition.of("g", GroupSource.filtered(LogFilter.categories("in")))
                  .with(GroupSettings.DEFAULT.withMaxInFlight(5)));
      Path log = temp.resolve("paused-child.log");
      Process child = startChild(fixture.config(), log);
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> threads = new ArrayList<>();
      try {
        Await.until("the child to work", WAIT, () -> appended(log) >= 30);
        signal(child, "STOP");
        long beforePause = appended(log);
        for (int c = 0; c < 2; c++) {
          String consumer = "parent-" + c;
          threads.add(
              Thread.ofPlatform()
                  .start(
                      () -> GroupWorker.consume(store, consumer, running::get, GroupWorker.NONE)));
        }
        Await.until(
            "this store to take the paused server's work over",
            WAIT,
            () -> store.consumerGroups().status("g").checkpoint() > firstWave);
        signal(child, "CONT");
        // new work, one wave at a time, until the resumed server has rejoined and handles some
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (appendedAbove(log, firstWave) == 0) {
          assertThat(System.nanoTime()).as("the resumed server to work again").isLessThan(deadline);
          long wave = appendWave(store, streams, 1);
          perStream++;
          Await.until(
              "the wave handled",
              WAIT,
              () -> store.consumerGroups().status("g").checkpoint() > wave);
        }
        String journal = Files.readString(log);
        System.out.printf(
            "paused server test: %d ack-appends before the pause, %d after, %d of new work;"
                + " %d refused; %d waves after%n",
            beforePause,
            appended(log) - beforePause,
            appendedAbove(log, firstWave),
            journal.lines().filter(line -> line.startsWith("REFUSED ")).count(),
            perStream - 20);
      } finally {
        child.destroyForcibly();
        child.waitFor();
        running.set(false);
        for (Thread thread : threads) {
          thread.join();
        }
      }
      assertThat(GroupWorker.check(store, streams, perStream)).isEmpty();
      assertThat(store.verify().ok()).isTrue();
    }
  }

  /**
   * Appends one event to each of {@code streams} streams, {@code rounds} times; the last position.
   */
  private static long appendWave(FactumStore store, int streams, int rounds) {
    long last = 0;
    for (int r = 0; r < rounds; r++) {
      List<AppendRequest> batch = new ArrayList<>();
      for (int k = 0; k < streams; k++) {
        batch.add(
            new AppendRequest(
                "in-" + k, ExpectedRevision.any(), List.of(EventData.json("In", "{}"))));
      }
      last = store.appendAll(batch).results().getLast().lastPosition();
    }
    return last;
  }

  private static void signal(Process process, String signal)
      throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
  }

  /** The child's ack-appends of inputs above {@code position}. */
  private static long appendedAbove(Path log, long position) throws IOException {
    return Files.readString(log)
        .lines()
        .filter(line -> line.startsWith("APPENDED "))
        .filter(line -> Long.parseLong(line.substring(9)) > position)
        .count();
  }

  private static long appended(Path log) {
    try {
      if (!Files.exists(log)) {
        return 0;
      }
      String text = Files.readString(log);
      assertThat(text).doesNotContain("Exception");
      return text.lines().filter(line -> line.startsWith("APPENDED ")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Process startChild(PostgresConfig config, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            GroupLeaseChild.class.getName(),
            config.jdbcUrl(),
            config.user(),
            config.password(),
            "2",
            Long.toString(LEASE.toMillis()));
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    return builder.start();
  }
}
