package dev.factum.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.powerloss.testing.PowerLossFileSystem;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power loss under the Factum server on RocksDB: "durable before acknowledged", which {@code kill
 * -9} cannot show (the page cache survives it).
 *
 * <p>The server process runs with its data directory on a {@link PowerLossFileSystem}, under the
 * concurrent HTTP appends of {@link PowerLossLoad} (binary data, metadata and tags). The power is
 * cut at one of the file system's syncs: that sync fails, the server is SIGKILLed at the same
 * instant, and everything not covered by a completed fsync is dropped (on every second cut a seeded
 * random prefix of each file's unsynced tail survives: a torn write). The store is then reopened on
 * what survived and audited: every acknowledged append present at its revisions and positions, byte
 * for byte (data, metadata, tags); no append half present; nothing never sent; {@code verify} clean
 * ({@link LogAudit} and the checks here).
 *
 * <p>Count, then enumerate: one run of the seeded workload with no cut counts the crash points (the
 * syncs after the data directory exists); then the workload runs again once per crash point, cut
 * there. Concurrency makes a run's syncs vary a little, so a crash point beyond a run's last sync
 * cuts at the end of that run. Sizes: {@code -Dfactum.powerloss.appends} (per writer, 6; {@code
 * -Plong} 20) and {@code -Dfactum.powerloss.randomCuts} (extra cuts at random crash points, all
 * with torn tails: 0; {@code -Plong} 150). Seed: printed; replay with {@code
 * -Dfactum.powerloss.seed=S}, and one cut alone with {@code -Dfactum.powerloss.cut=K} (and {@code
 * -Dfactum.powerloss.torn=T} for its torn tail).
 */
class PowerLossTest {
  @TempDir Path temp;

  /** What one cut left, for the totals. */
  record Cut(long syncs, long acknowledged, long unknownPresent, long unknownAbsent, int events) {}

  private static long seed() {
    String given = System.getProperty("factum.powerloss.seed", "");
    return given.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(given.trim());
  }

  private static Long optionalLong(String property) {
    String given = System.getProperty(property, "");
    return given.isBlank() ? null : Long.parseLong(given.trim());
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.HOURS) // -Plong: 150 random cuts more
  void everyCrashPointOfTheServersWorkloadKeepsEveryAcknowledgedAppend() throws Exception {
    long seed = seed();
    int appends = Integer.getInteger("factum.powerloss.appends", 6);
    int randomCuts = Integer.getInteger("factum.powerloss.randomCuts", 0);
    Long onlyCut = optionalLong("factum.powerloss.cut");
    System.out.printf(
        "power loss: seed %d (replay with -Dfactum.powerloss.seed=%d), %d writers x %d appends%n",
        seed, seed, PowerLossLoad.WRITERS, appends);
    if (onlyCut != null) {
      Long torn = optionalLong("factum.powerloss.torn");
      Cut cut = cycle(temp.resolve("replay"), seed, appends, onlyCut, torn);
      System.out.printf("power loss: replayed cut %d (torn %s): %s%n", onlyCut, torn, cut);
      return;
    }
    long crashPoints = cycle(temp.resolve("count"), seed, appends, 0, null).syncs();
    assertThat(crashPoints).as("crash points of the workload").isPositive();
    SplittableRandom random = new SplittableRandom(seed);
    List<Cut> cuts = new ArrayList<>();
    for (long k = 1; k <= crashPoints; k++) {
      Long torn = k % 2 == 0 ? random.nextLong() : null;
      Cut cut = cycle(temp.resolve("cut-" + k), seed, appends, k, torn);
      System.out.printf(
          "power loss: cut at sync %d of %d%s: %d acknowledged appends, %d events survived%n",
          k,
          crashPoints,
          torn == null ? "" : " (torn tail " + torn + ")",
          cut.acknowledged(),
          cut.events());
      cuts.add(cut);
    }
    for (int i = 0; i < randomCuts; i++) {
      long k = 1 + random.nextLong(crashPoints);
      cuts.add(cycle(temp.resolve("random-" + i), seed, appends, k, random.nextLong()));
    }
    long acknowledged = cuts.stream().mapToLong(Cut::acknowledged).sum();
    System.out.printf(
        "power loss: %d crash points, %d cuts survived, %d acknowledged appends checked, %d"
            + " unknown present whole, %d unknown absent%n",
        crashPoints,
        cuts.size(),
        acknowledged,
        cuts.stream().mapToLong(Cut::unknownPresent).sum(),
        cuts.stream().mapToLong(Cut::unknownAbsent).sum());
    assertThat(acknowledged).as("the cuts must have met acknowledged appends").isPositive();
  }

  /** One run: mount, serve, load, cut at sync {@code cutAt} (0: at the end), reopen, audit. */
  private static Cut cycle(Path dir, long seed, int appends, long cutAt, Long torn)
      throws Exception {
    String where =
        String.format(
            "seed %d, cut at sync %d, torn %s (replay with -Dfactum.powerloss.seed=%d"
                + " -Dfactum.powerloss.cut=%d%s)",
            seed, cutAt, torn, seed, cutAt, torn == null ? "" : " -Dfactum.powerloss.torn=" + torn);
    ReferenceRecord record = new ReferenceRecord(seed);
    Path survivors = dir.resolve("survivors");
    PowerLossLoad load = null;
    long syncs;
    try (PowerLossFileSystem fs =
        PowerLossFileSystem.mount(dir.resolve("backing"), dir.resolve("mnt"))) {
      Path data = Files.createDirectory(fs.root().resolve("data"));
      try (FileChannel root = FileChannel.open(fs.root(), StandardOpenOption.READ)) {
        root.force(true);
      }
      long base = fs.syncs();
      AtomicReference<Process> victim = new AtomicReference<>();
      fs.cutPowerAtSync(
          cutAt <= 0 ? 0 : base + cutAt,
          () -> {
            Process process = victim.get();
            if (process != null) {
              process.destroyForcibly();
            }
          });
      ServerProcess server = null;
      try {
        server =
            ServerProcess.start(
                dir.resolve("server.log"), "--data", data.toString(), "--port", "0");
        victim.set(server.process);
        if (fs.powerCut()) {
          server.process.destroyForcibly();
        }
        load = new PowerLossLoad(server, record, appends, seed);
        load.awaitEnd();
      } catch (Exception startFailed) {
        if (!fs.powerCut()) {
          throw new AssertionError(where + ": " + startFailed, startFailed);
        }
      } finally {
        fs.cutPower();
        syncs = fs.syncs() - base;
        if (server != null) {
          server.kill();
        }
        if (load != null) {
          load.awaitEnd();
        }
      }
      record.inFlightBecomesUnknown();
      fs.survivors(survivors, torn);
    }
    try {
      if (load != null && !load.failures.isEmpty()) {
        throw new AssertionError("broken promises during the load: " + load.failures);
      }
      return audit(survivors.resolve("data"), record, load, syncs);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(where + ": " + e.getMessage(), e);
    }
  }

  private static Cut audit(Path data, ReferenceRecord record, PowerLossLoad load, long syncs)
      throws Exception {
    try (FactumStore store = RocksDbEventStore.open(data)) {
      List<RecordedEvent> log = new ArrayList<>();
      long from = 0;
      while (true) {
        ReadPage page = store.readAll(from, Direction.FORWARD, 1000, LogFilter.none());
        log.addAll(page.events());
        if (page.endOfRead()) {
          break;
        }
        from = page.next();
      }
      List<JsonNode> events = new ArrayList<>();
      for (RecordedEvent event : log) {
        events.add(json(event));
        PowerLossLoad.Extra sent = load == null ? null : load.sent.get(event.id());
        assertThat(sent)
            .as("event %s at %d was never sent", event.id(), event.position())
            .isNotNull();
        assertThat(event.contentType()).isEqualTo(EventData.BINARY);
        check(Arrays.equals(event.data(), sent.data()), "data", event);
        check(
            Arrays.equals(event.metadata(), sent.metadata()),
            "metadata "
                + new String(event.metadata(), StandardCharsets.UTF_8)
                + " (sent "
                + new String(sent.metadata(), StandardCharsets.UTF_8)
                + ")",
            event);
        check(new TreeSet<>(event.tags()).equals(sent.tags()), "tags " + event.tags(), event);
      }
      LogAudit.Result result = LogAudit.audit(events, record, List.of());
      VerifyReport report = store.verify();
      assertThat(report.ok()).as(report.toString()).isTrue();
      return new Cut(
          syncs,
          result.acknowledged(),
          result.unknownPresent(),
          result.unknownAbsent(),
          log.size());
    }
  }

  private static void check(boolean same, String what, RecordedEvent event) {
    if (!same) {
      throw new AssertionError(
          "the "
              + what
              + " of event "
              + event.id()
              + " at "
              + event.position()
              + " differ from what was sent");
    }
  }

  /** The event as the HTTP API shows it, for {@link LogAudit}. */
  private static JsonNode json(RecordedEvent event) {
    ObjectNode node = ServerProcess.JSON.createObjectNode();
    node.put("id", event.id().toString());
    node.put("stream", event.stream());
    node.put("type", event.type());
    node.put("revision", event.revision());
    node.put("position", event.position());
    node.put("data", Base64.getEncoder().encodeToString(event.data()));
    return node;
  }
}
