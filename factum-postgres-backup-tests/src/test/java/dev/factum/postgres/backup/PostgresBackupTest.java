package dev.factum.postgres.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.storage.postgres.PostgresConfig;
import dev.factum.storage.postgres.PostgresEventStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL backup procedure of {@code docs/OPERATIONS.md} ("Backup and restore"), run as
 * written, with the real {@code pg_dump} and {@code pg_restore} of Debian 12, against a store that
 * writers keep appending to while the dump runs.
 *
 * <p>Design note: a PostgreSQL store is its tables, so its backup is the database's: {@code
 * pg_dump} reads every table in one repeatable-read snapshot, and Factum serializes its commits
 * (one lock row per store, positions assigned under it), so the commits a snapshot sees are a
 * prefix of the log. What must stay true, and what each assertion proves:
 *
 * <ul>
 *   <li>the restored database passes Factum's own verifier (the check {@code factum verify
 *       --storage postgres} runs);
 *   <li>it holds every event acknowledged before the dump began, byte for byte, at the position and
 *       revision its append returned;
 *   <li>its log is dense from 0 to its head, and holds nothing that was not committed on the live
 *       store (each restored event equals the live store's event at that position);
 *   <li>it is a working store: a new append continues the log and the stream from where the backup
 *       ends, and a retry of an append made before the dump is recognised (the event-id index came
 *       along).
 * </ul>
 *
 * <p>The server is a private PostgreSQL 15 (zonky's binaries, this module's only version): Debian
 * 12's {@code pg_dump} is major 15 and refuses newer servers. The test fails, never skips, when
 * {@code pg_dump} or {@code pg_restore} is missing: {@code bin/test} installs {@code
 * postgresql-client-15}.
 */
final class PostgresBackupTest {
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
  private static final int WRITERS = 4;
  private static final int STREAMS = 40;

  private static LocalPostgres postgres;

  @TempDir Path scratch;

  @BeforeAll
  static void startPostgres() {
    postgres = LocalPostgres.startPrivate();
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aDumpOfALiveStoreRestoresToAVerifiedStoreHoldingEveryAcknowledgedEvent() throws Exception {
    assertThat(serverMajorVersion()).isEqualTo(toolMajorVersion("pg_dump"));
    String liveUrl = postgres.createDatabase("factum_live");
    String restoredUrl = postgres.createDatabase("factum_restored");
    Path dump = scratch.resolve("factum.dump");

    List<Acked> ackedBeforeDump;
    int ackedDuringDump;
    try (FactumStore live = PostgresEventStore.open(config(liveUrl))) {
      ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> write(live, acked, stop)));
      }
      awaitAcked(acked, 400);

      long dumpStarted = System.nanoTime();
      run(tool("pg_dump"), "--format=custom", "--file=" + dump, "--dbname=" + libpqUrl(liveUrl));
      long dumpEnded = System.nanoTime();
      awaitAcked(acked, acked.size() + 100); // the writers outlive the dump
      stop.set(true);
      for (Thread writer : writers) {
        writer.join();
      }
      ackedBeforeDump = acked.stream().filter(a -> a.ackedNanos < dumpStarted).toList();
      ackedDuringDump =
          (int)
              acked.stream()
                  .filter(a -> a.ackedNanos >= dumpStarted && a.ackedNanos < dumpEnded)
                  .count();

      run(tool("pg_restore"), "--dbname=" + libpqUrl(restoredUrl), dump.toString());

      try (FactumStore restored = PostgresEventStore.open(config(restoredUrl))) {
        VerifyReport report = restored.verify();
        assertThat(report.ok()).as(report.toString()).isTrue();

        List<RecordedEvent> restoredLog = readWholeLog(restored);
        for (int i = 0; i < restoredLog.size(); i++) {
          assertThat(restoredLog.get(i).position()).as("dense log").isEqualTo(i);
        }
        assertThat(restored.headPosition()).isEqualTo(restoredLog.size() - 1L);
        Map<Long, RecordedEvent> livePositions = byPosition(readWholeLog(live));
        for (RecordedEvent event : restoredLog) {
          assertThat(event).isEqualTo(livePositions.get(event.position()));
        }

        Map<Long, RecordedEvent> restoredPositions = byPosition(restoredLog);
        for (Acked a : ackedBeforeDump) {
          RecordedEvent event = restoredPositions.get(a.result.firstPosition());
          assertThat(event).as("acknowledged before the dump: %s", a.result).isNotNull();
          assertThat(event.id()).isEqualTo(a.event.id());
          assertThat(event.stream()).isEqualTo(a.result.stream());
          assertThat(event.revision()).isEqualTo(a.result.firstRevision());
          assertThat(event.type()).isEqualTo(a.event.type());
          assertThat(event.data()).isEqualTo(a.event.data());
          assertThat(event.metadata()).isEqualTo(a.event.metadata());
          assertThat(event.tags()).isEqualTo(a.event.tags());
        }

        assertWorkingStore(restored, restoredLog, ackedBeforeDump.get(0));
      }
    }
    assertThat(ackedBeforeDump).hasSizeGreaterThanOrEqualTo(400);
    // The writers kept going while pg_dump ran (it neither stopped nor waited for them); a dump
    // faster than one commit would prove nothing about a live store, so this must not be zero.
    assertThat(ackedDuringDump).as("appends acknowledged while pg_dump ran").isPositive();
  }

  private static void assertWorkingStore(
      FactumStore restored, List<RecordedEvent> restoredLog, Acked before) {
    AppendResult retry =
        restored.append(before.result.stream(), ExpectedRevision.any(), List.of(before.event));
    assertThat(retry).as("a retry of an append made before the dump").isEqualTo(before.result);

    String stream = before.result.stream();
    long streamHead =
        restoredLog.stream()
            .filter(e -> e.stream().equals(stream))
            .mapToLong(RecordedEvent::revision)
            .max()
            .orElseThrow();
    AppendResult next =
        restored.append(
            stream, ExpectedRevision.exact(streamHead), List.of(event("AfterRestore", 0)));
    assertThat(next.firstPosition()).isEqualTo(restoredLog.size());
    assertThat(next.firstRevision()).isEqualTo(streamHead + 1);
  }

  private static void write(
      FactumStore store, ConcurrentLinkedQueue<Acked> acked, AtomicBoolean stop) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int n = 0;
    while (!stop.get()) {
      String stream = "account-" + random.nextInt(STREAMS);
      EventData event = event("Deposited", n++);
      AppendResult result = store.append(stream, ExpectedRevision.any(), List.of(event));
      acked.add(new Acked(event, result, System.nanoTime()));
    }
  }

  private static EventData event(String type, int n) {
    String data = "{\"amount\":" + n + ",\"note\":\"" + UUID.randomUUID() + "\"}";
    return new EventData(
        UUID.randomUUID(),
        type,
        EventData.JSON,
        data.getBytes(StandardCharsets.UTF_8),
        "{\"source\":\"backup-test\"}".getBytes(StandardCharsets.UTF_8),
        Set.of("tag-" + (n % 3)));
  }

  private static void awaitAcked(ConcurrentLinkedQueue<Acked> acked, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the writers acknowledged only " + acked.size() + " appends");
      }
      Thread.sleep(10);
    }
  }

  private static List<RecordedEvent> readWholeLog(FactumStore store) {
    List<RecordedEvent> events = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
      events.addAll(page.events());
      if (page.endOfRead() || page.isEmpty()) {
        return events;
      }
      from = page.next();
    }
  }

  private static Map<Long, RecordedEvent> byPosition(List<RecordedEvent> events) {
    return events.stream().collect(Collectors.toMap(RecordedEvent::position, e -> e));
  }

  private static PostgresConfig config(String url) {
    return PostgresConfig.of(url, postgres.user(), postgres.password()).withPoolSize(4);
  }

  /** {@code jdbc:postgresql://host:port/db} as the libpq URL the PostgreSQL tools take. */
  private static String libpqUrl(String jdbcUrl) {
    String rest = jdbcUrl.substring("jdbc:postgresql://".length());
    return "postgresql://" + postgres.user() + "@" + rest;
  }

  private static int serverMajorVersion() throws SQLException {
    try (Connection connection = postgres.connect(postgres.jdbcUrl("postgres"));
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SHOW server_version_num")) {
      rs.next();
      return Integer.parseInt(rs.getString(1)) / 10_000;
    }
  }

  private static int toolMajorVersion(String name) throws IOException, InterruptedException {
    String out = run(tool(name), "--version");
    Matcher version = Pattern.compile("\\(PostgreSQL\\) (\\d+)").matcher(out);
    assertThat(version.find()).as(out).isTrue();
    return Integer.parseInt(version.group(1));
  }

  /**
   * The tool of Debian's {@code postgresql-client-15} (its own directory first, so a newer client
   * on {@code PATH} cannot be picked up by accident).
   */
  private static String tool(String name) {
    Path debian = Path.of("/usr/lib/postgresql/15/bin", name);
    if (Files.isExecutable(debian)) {
      return debian.toString();
    }
    throw new AssertionError(
        debian + " is missing: install Debian's postgresql-client-15 (bin/test does)");
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    boolean exited = process.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!exited) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish: " + out);
    }
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    return out;
  }

  private record Acked(EventData event, AppendResult result, long ackedNanos) {}
}
