package dev.factum.cli;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.api.ExpectedRevision.noStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.AppendRequest;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.EventStore;
import dev.factum.api.FactumException;
import dev.factum.api.LogFilter;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.StreamDeletion;
import dev.factum.api.StreamState.Status;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.CommitBatch;
import dev.factum.engine.spi.StreamHead;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.storage.rocksdb.RocksDbStorage;
import dev.factum.tck.Await;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code factum export} and {@code import}: whole lines, exact resume, and a faithful copy. */
class ExportImportTest {
  @TempDir Path temp;

  private static FactumCommandTest.Run factum(String... argv) {
    return FactumCommandTest.factum(argv);
  }

  /** A store holding every kind of stream state. */
  private static void writeEveryKindOfState(EventStore store) {
    store.append("live-1", noStream(), List.of(EventData.json("A", "{\"n\":1}")));
    store.append(
        "meta-1",
        noStream(),
        List.of(
            new EventData(
                UUID.randomUUID(),
                "Tagged",
                EventData.JSON,
                "{\"amount\":19.90,\"s\":\"größe ✓ 😀\"}".getBytes(StandardCharsets.UTF_8),
                "{\"by\":\"me\"}".getBytes(StandardCharsets.UTF_8),
                Set.of("t1", "t2")),
            new EventData(
                UUID.randomUUID(),
                "Blob",
                EventData.BINARY,
                new byte[] {0, 1, -1},
                null,
                Set.of())));
    store.appendAll(
        List.of(
            AppendRequest.of("multi-1", noStream(), EventData.json("M", "{}")),
            AppendRequest.of(
                "multi-2", noStream(), EventData.json("M", "{}"), EventData.json("M", "[1]"))));
    store.append("soft-1", noStream(), List.of(EventData.json("A", "{}")));
    store.delete("soft-1", any());
    store.append("recreated-1", noStream(), List.of(EventData.json("A", "{}")));
    store.delete("recreated-1", any());
    store.append("recreated-1", noStream(), List.of(EventData.json("B", "{}")));
    store.append("tomb-1", noStream(), List.of(EventData.json("A", "{}")));
    store.tombstone("tomb-1", any());
    store.tombstone("reserved-1", noStream());
    store.append("live-1", any(), List.of(EventData.json("A", "{\"n\":2}")));
  }

  private static List<RecordedEvent> wholeLog(EventStore store) {
    List<RecordedEvent> all = new ArrayList<>();
    long from = 0;
    while (true) {
      ReadPage page = store.readAll(from, Direction.FORWARD, 100, LogFilter.none());
      all.addAll(page.events());
      if (page.endOfRead()) {
        return all;
      }
      from = page.next();
    }
  }

  /** The log (every field of every event) and every stream's state and read. */
  private static Map<String, Object> wholeState(EventStore store) {
    Map<String, Object> state = new LinkedHashMap<>();
    List<RecordedEvent> log = wholeLog(store);
    state.put("log", log);
    state.put("timestamps", log.stream().map(RecordedEvent::timestamp).toList());
    for (String stream :
        List.of(
            "live-1",
            "meta-1",
            "multi-1",
            "multi-2",
            "soft-1",
            "recreated-1",
            "tomb-1",
            "reserved-1",
            StreamDeletion.STREAM)) {
      state.put(stream + " state", store.streamState(stream));
      Object read;
      try {
        read = store.readStream(stream, 0, Direction.FORWARD, 100).events();
      } catch (FactumException refused) {
        read = refused.code();
      }
      state.put(stream + " read", read);
    }
    return state;
  }

  @Test
  void anExportImportedIntoAFreshStoreIsTheSameStoreTimestampsAndDeletesIncluded()
      throws Exception {
    Path export = temp.resolve("export.ndjson");
    Map<String, Object> source;
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("source"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      writeEveryKindOfState(store);
      source = wholeState(store);
      var run = factum("export", "--out", export.toString(), "--url", server.uri().toString());
      assertThat(run.exit()).as(run.err()).isZero();
    }
    assertThat(Files.readAllLines(export)).hasSize(15);
    Path again = temp.resolve("again.ndjson");
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("copy"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      var run = factum("import", export.toString(), "--url", url);
      assertThat(run.exit()).as(run.err()).isZero();
      Map<String, Object> copy = wholeState(store);
      for (String key : source.keySet()) {
        assertThat(copy.get(key)).as(key).isEqualTo(source.get(key));
      }
      assertThat(copy).isEqualTo(source);
      assertThat(factum("export", "--out", again.toString(), "--url", url).exit()).isZero();
    }
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(export));
    assertThat(factum("verify", "--data", temp.resolve("copy").toString()).out())
        .startsWith("OK: 15 events");
  }

  @Test
  void anImportIntoAStoreWithNewerEventsIsRefusedAndWritesNothing() throws Exception {
    Path export = temp.resolve("export.ndjson");
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("source"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      writeEveryKindOfState(store);
      assertThat(
              factum("export", "--out", export.toString(), "--url", server.uri().toString()).exit())
          .isZero();
    }
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("busy"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      store.append("other-1", noStream(), List.of(EventData.json("A", "{}")));
      var run = factum("import", export.toString(), "--url", server.uri().toString());
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("invalid-request").contains("older than");
      assertThat(store.headPosition()).isZero();
    }
  }

  /**
   * An event whose data holds an escaped lone surrogate (accepted by earlier versions) is exported
   * exactly as stored, to a file and to standard output alike, whatever the output's charset: never
   * a {@code ?}, never a torn or repeated line.
   */
  @Test
  void exportNeverChangesAValueOnStandardOutputOrInAFile() throws Exception {
    Path data = temp.resolve("old");
    String stored = "{\"s\":\"\\ud800\",\"t\":\"größe 😀\",\"n\":0.10}";
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      List<RecordedEvent> events = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        events.add(
            new RecordedEvent(
                UUID.randomUUID(),
                "old-1",
                i,
                i,
                Instant.parse("2025-01-01T00:00:00Z"),
                "Old",
                EventData.JSON,
                stored.getBytes(StandardCharsets.UTF_8),
                null,
                Set.of()));
      }
      storage.commit(
          new CommitBatch(events, Map.of("old-1", new StreamHead(2, 2, 0, Status.ACTIVE))));
    }
    Path file = temp.resolve("out.ndjson");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      int exit =
          Factum.run(
              new String[] {"export", "--url", url},
              new PrintStream(stdout, true, StandardCharsets.US_ASCII),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(exit).isZero();
      assertThat(factum("export", "--out", file.toString(), "--url", url).exit()).isZero();
    }
    assertThat(stdout.toByteArray()).isEqualTo(Files.readAllBytes(file));
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(line).contains("\"data\":" + stored).doesNotContain("?");
    }
  }

  @Test
  void anEventThatCannotBeOneFaithfulLineIsAnErrorNamingIt() {
    // A UTF-8-encoded surrogate (CESU-8): not UTF-8, so it cannot be written unchanged.
    byte[] page =
        "{\"events\":[{\"id\":\"x\",\"stream\":\"s-1\",\"position\":7,\"data\":\"a\u0000\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    int zero = new String(page, StandardCharsets.UTF_8).indexOf('\u0000');
    byte[] bad = new byte[page.length + 2];
    System.arraycopy(page, 0, bad, 0, zero);
    bad[zero] = (byte) 0xED;
    bad[zero + 1] = (byte) 0xA0;
    bad[zero + 2] = (byte) 0x80;
    System.arraycopy(page, zero + 1, bad, zero + 3, page.length - zero - 1);
    assertThatThrownBy(() -> ExportLines.of(bad))
        .isInstanceOf(Factum.CommandFailure.class)
        .hasMessageContaining("position 7")
        .hasMessageContaining("s-1");
  }

  /**
   * Kill -9 of a running export, then {@code --resume}: the file ends up byte for byte what one
   * uninterrupted export writes, every position exactly once.
   */
  @Test
  void anExportKilledMidWayResumesExactly() throws Exception {
    Path file = temp.resolve("killed.ndjson");
    Path whole = temp.resolve("whole.ndjson");
    long killedAt;
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("data"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      for (int batch = 0; batch < 40; batch++) {
        List<EventData> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          events.add(EventData.json("E", "{\"batch\":" + batch + ",\"i\":" + i + "}"));
        }
        store.append("s-" + batch % 7, any(), events);
        if (batch % 10 == 9) {
          store.delete("s-" + batch % 7, any());
        }
      }
      String url = server.uri().toString();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Factum.class.getName(),
                  "export",
                  "--out",
                  file.toString(),
                  "--page-size",
                  "1",
                  "--url",
                  url)
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("child.log").toFile())
              .start();
      try {
        Await.until(
            "the export has written some lines",
            Duration.ofSeconds(60),
            () -> Files.exists(file) && size(file) > 20_000);
        assertThat(child.isAlive()).as("the export must still be running when killed").isTrue();
      } finally {
        child.destroyForcibly(); // SIGKILL
        child.waitFor();
      }
      assertThat(child.exitValue()).isNotZero();
      killedAt = size(file);
      var resumed = factum("export", "--out", file.toString(), "--resume", "--url", url);
      assertThat(resumed.exit()).as(resumed.err()).isZero();
      assertThat(factum("export", "--out", whole.toString(), "--url", url).exit()).isZero();
    }
    assertThat(killedAt).as("killed mid-way").isLessThan(Files.size(whole));
    assertThat(Files.readAllBytes(file)).isEqualTo(Files.readAllBytes(whole));
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(4004);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(WireJson.mapper().readTree(lines.get(i)).get("position").asLong()).isEqualTo(i);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
