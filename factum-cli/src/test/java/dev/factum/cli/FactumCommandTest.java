package dev.factum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamState.Status;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client-side commands against a real server, and the exit codes of each outcome. */
class FactumCommandTest {
  @TempDir Path temp;

  /** What a run printed and returned. */
  record Run(int exit, String out, String err) {}

  static Run factum(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Factum.run(
            argv,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpAndUsageErrors() {
    assertThat(factum("--help").exit()).isZero();
    assertThat(factum("--help").out())
        .contains("serve", "append", "read", "tail", "export", "import", "verify");
    for (String command : Factum.COMMANDS.keySet()) {
      Run help = factum(command, "--help");
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.out()).as(command).startsWith("Usage: factum " + command);
    }
    // Every command that talks to a server documents and accepts the same three options.
    for (String command : Factum.COMMANDS.keySet()) {
      String usage = factum(command, "--help").out();
      if (usage.contains("--url URL") && !usage.contains("--data-dir")) {
        assertThat(usage).as(command).contains("--cacert PEM", "--api-key KEY");
        Run unreachable =
            factum(command, "--cacert", "/nonexistent.pem", "--url", "http://127.0.0.1:1");
        assertThat(unreachable.err()).as(command).doesNotContain("unknown option");
      }
    }
    assertThat(factum("frobnicate").exit()).isEqualTo(2);
    assertThat(factum("read", "--bogus").exit()).isEqualTo(2);
    assertThat(factum("read", "--bogus").err()).contains("unknown option --bogus");
    assertThat(factum("serve", "--port", "99999").exit()).isEqualTo(2);
    assertThat(factum("serve", "--port", "99999").err()).contains("port must be from 0 to 65535");
    assertThat(
            factum("append", "s-1", "--type", "T", "--data", "{oops", "--url", "http://127.0.0.1:1")
                .err())
        .contains("--data is not valid JSON");
  }

  @Test
  void servePostgresSettingsAreCheckedBeforeAnythingStarts() {
    assertThat(factum("serve", "--storage", "mongo").err())
        .contains("storage must be 'rocksdb' or 'postgres'");
    assertThat(factum("serve", "--storage", "postgres").err()).contains("needs --pg-url");
    assertThat(factum("serve", "--storage", "postgres", "--pg-url", "postgres://h/db").err())
        .contains("must look like jdbc:postgresql://");
    Run unreachable =
        factum(
            "serve",
            "--storage",
            "postgres",
            "--pg-url",
            "jdbc:postgresql://127.0.0.1:1/factum",
            "--port",
            "0");
    assertThat(unreachable.exit()).isEqualTo(1);
    assertThat(unreachable.err()).contains("no PostgreSQL server answers there");
  }

  @Test
  void appendReadExportImportAndVerify() throws Exception {
    Path source = temp.resolve("source");
    Path target = temp.resolve("target");
    Path export = temp.resolve("export.ndjson");
    try (FactumStore store = RocksDbEventStore.open(source);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      assertThat(
              factum(
                      "append",
                      "order-1",
                      "--type",
                      "Placed",
                      "--data",
                      "{\"n\":1}",
                      "--expected",
                      "no_stream",
                      "--url",
                      url)
                  .exit())
          .isZero();
      Path file = temp.resolve("events.ndjson");
      Files.write(
          file,
          List.of(
              "{\"type\":\"Paid\",\"data\":{\"n\":2}}",
              "{\"type\":\"Shipped\",\"data\":{\"n\":3},\"tags\":[\"eu\"]}"));
      Run batch =
          factum("append", "order-1", "--file", file.toString(), "--expected", "0", "--url", url);
      assertThat(batch.out()).contains("\"nextExpectedRevision\":2");
      Run conflict =
          factum(
              "append", "order-1", "--type", "X", "--data", "{}", "--expected", "0", "--url", url);
      assertThat(conflict.exit()).isEqualTo(1);
      assertThat(conflict.err()).contains("wrong-expected-revision");
      for (int i = 0; i < 29; i++) {
        factum("append", "user-" + i % 4, "--type", "Seen", "--data", "{}", "--url", url);
      }
      factum(
          "append",
          "user-9",
          "--type",
          "Seen",
          "--data",
          "{\"amount\":19.90,\"x\":0.12345678901234567890}",
          "--url",
          url);
      // Deletes are events of their own ($deletions): the export carries them.
      store.delete("user-0", ExpectedRevision.any());
      store.tombstone("user-1", ExpectedRevision.any());
      Run read = factum("read", "order-1", "--url", url);
      assertThat(read.out().lines().toList()).hasSize(3);
      assertThat(factum("read", "--all", "--category", "user", "--url", url).out().lines().count())
          .isEqualTo(32);
      assertThat(factum("read", "--all", "--backward", "--limit", "1", "--url", url).out())
          .contains("\"position\":34");
      Run exported = factum("export", "--out", export.toString(), "--url", url);
      assertThat(exported.exit()).isZero();
      assertThat(Files.readString(export))
          .contains("\"amount\":19.90,\"x\":0.12345678901234567890");
      assertThat(Files.readAllLines(export)).hasSize(35);
      assertThat(factum("export", "--out", export.toString(), "--url", url).exit()).isEqualTo(2);
      // resume after a cut: drop the tail, leave half a line, and resume
      List<String> lines = Files.readAllLines(export);
      Files.writeString(
          export, String.join("\n", lines.subList(0, 20)) + "\n" + lines.get(20).substring(0, 15));
      assertThat(factum("export", "--out", export.toString(), "--resume", "--url", url).exit())
          .isZero();
      assertThat(Files.readAllLines(export)).isEqualTo(lines);
    }
    try (FactumStore store = RocksDbEventStore.open(target);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      Run imported = factum("import", export.toString(), "--url", url);
      assertThat(imported.exit()).as(imported.err()).isZero();
      // a rerun from an old checkpoint is an exact retry, not a duplicate
      Files.writeString(Path.of(export + ".checkpoint"), "10");
      assertThat(factum("import", export.toString(), "--url", url).exit()).isZero();
      Path again = temp.resolve("again.ndjson");
      assertThat(factum("export", "--out", again.toString(), "--url", url).exit()).isZero();
      // The copy is the same log, line for line: positions, timestamps and deletes included.
      assertThat(Files.readAllLines(again)).isEqualTo(Files.readAllLines(export));
      assertThat(store.streamState("user-1").status()).isEqualTo(Status.TOMBSTONED);
    }
    assertThat(Files.readString(temp.resolve("again.ndjson")))
        .contains("\"amount\":19.90,\"x\":0.12345678901234567890");
    Files.writeString(Path.of(export + ".checkpoint"), "");
    Run damaged = factum("import", export.toString(), "--url", "http://127.0.0.1:1");
    assertThat(damaged.exit()).isEqualTo(1);
    assertThat(damaged.err()).contains("checkpoint").contains("damaged");
    Run verify = factum("verify", "--data", target.toString());
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).startsWith("OK: 35 events");
  }
}
