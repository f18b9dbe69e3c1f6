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
