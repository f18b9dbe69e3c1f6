package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.StoreRecord;
import dev.factum.kafka.KafkaSinks;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.webhooks.Webhooks;
import dev.factum.wire.WireJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum serve --sinks FILE}, with the real CLI: a bad file stops the start before anything
 * is created and names the entry at fault; a good one is applied before the server serves (created,
 * then changed to match, and with {@code --prune-sinks} the sinks it no longer names deleted), as
 * {@code factum sinks list} against the running server shows. The sinks are paused, so no broker is
 * needed: the definitions are what is under test.
 */
class ServeSinksFileTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  @TempDir Path temp;

  @Test
  void aBadFileIsRefusedBeforeAnythingIsCreated() throws Exception {
    Path data = temp.resolve("data");
    Path file =
        write(
            "bad.json",
            "{\"sinks\": ["
                + sink("a", "t1")
                + ", {\"name\": \"b\", \"bootstrapServers\": \"x\"}]}");
    FactumCommandTest.Run run =
        assertTimeoutPreemptively(
            LIMIT,
            () ->
                factum(
                    "serve", "--data", data.toString(), "--port", "0", "--sinks", file.toString()));
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains(file.toString()).contains("sinks[1]").contains("'topic'");
    assertThat(data).doesNotExist();

    Path twice =
        write("twice.json", "{\"sinks\": [" + sink("a", "t1") + "," + sink("a", "t2") + "]}");
    FactumCommandTest.Run duplicate =
        assertTimeoutPreemptively(
            LIMIT,
            () ->
                factum(
                    "serve",
                    "--data",
                    data.toString(),
                    "--port",
                    "0",
                    "--sinks",
                    twice.toString()));
    assertThat(duplicate.exit()).isEqualTo(1);
    assertThat(duplicate.err()).contains("sinks[1]").contains("'a' is given twice");
    assertThat(data).doesNotExist();
  }

  @Test
  void aFileIsAppliedBeforeServingAndPruneDeletesWhatItNoLongerNames() throws Exception {
    String data = temp.resolve("data").toString();
    Path first =
        write("first.json", "{\"sinks\": [" + sink("a", "t1") + "," + sink("b", "t2") + "]}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(List.of(), "--data", data, "--port", "0", "--sinks", first.toString())) {
      assertThat(serve.said()).contains("created [a, b], updated [], unchanged [], deleted []");
      String list = sinksList(serve.port());
      assertThat(list).contains("a").contains("t1").contains("b").contains("t2");
    }
    // a changed, b no longer named: kept without --prune-sinks, deleted with it
    Path second = write("second.json", "{\"sinks\": [" + sink("a", "t3") + "]}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(), "--data", data, "--port", "0", "--sinks", second.toString())) {
      assertThat(serve.said()).contains("created [], updated [a], unchanged [], deleted []");
      assertThat(sinksList(serve.port())).contains("t3").doesNotContain("t1").contains("t2");
    }
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(),
            "--data",
            data,
            "--port",
            "0",
            "--sinks",
            second.toString(),
            "--prune-sinks")) {
      assertThat(serve.said()).contains("created [], updated [], unchanged [a], deleted [b]");
      assertThat(sinksList(serve.port())).contains("t3").doesNotContain("t2");
    }
  }

  @Test
  void webhooksTakeTheirSecretsFromFilesNeverFromTheDefinitionsFile() throws Exception {
    String data = temp.resolve("data").toString();
    // an inline secret, or a secret file with a weak secret, refuses the whole file
    Path inline =
        write(
            "inline.json",
            "{\"sinks\": ["
                + sink("a", "t1")
                + "], \"webhooks\": [{\"name\": \"h\", \"url\": \"http://127.0.0.1:1/\","
                + " \"secret\": \"whsec_0123456789abcdef0123456789abcdef\"}]}");
    FactumCommandTest.Run refused =
        assertTimeoutPreemptively(
            LIMIT,
            () -> factum("serve", "--data", data, "--port", "0", "--sinks", inline.toString()));
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("webhooks[0]").contains("secretFile");
    Files.writeString(temp.resolve("weak.secret"), "short\n");
    Path weak = write("weak.json", "{\"webhooks\": [" + webhook("h", "\"weak.secret\"") + "]}");
    FactumCommandTest.Run weakRun =
        assertTimeoutPreemptively(
            LIMIT,
            () -> factum("serve", "--data", data, "--port", "0", "--sinks", weak.toString()));
    assertThat(weakRun.exit()).isEqualTo(1);
    assertThat(weakRun.err()).contains("weak.secret").contains("32 to 1024 characters");
    assertThat(Path.of(data)).doesNotExist();

    // h's secret file is made (owner only) and named; g's is given
    String given = "whsec_" + "7".repeat(64);
    Files.writeString(temp.resolve("g.secret"), given + "\n");
    Path file =
        write(
            "hooks.json",
            "{\"sinks\": ["
                + sink("a", "t1")
                + "], \"webhooks\": ["
                + webhook("h", null)
                + ","
                + webhook("g", "\"g.secret\"")
                + "]}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(List.of(), "--data", data, "--port", "0", "--sinks", file.toString())) {
      Path made = temp.resolve("h.whsec");
      assertThat(serve.said())
          .contains("webhook h: a new signing secret was written to " + made)
          .contains("webhooks of " + file + ": created [h, g], updated [], unchanged []");
      assertThat(Files.readString(made).strip()).startsWith("whsec_").hasSize(70);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made)))
          .isEqualTo("rw-------");
      assertThat(webhooksList(serve.port())).contains("\"h\"").contains("\"g\"");
    }
    // the same file again: nothing changes (h's secret is read back from its file); a new
    // secret for g is an update; without g, --prune-sinks deletes it with the sink
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(List.of(), "--data", data, "--port", "0", "--sinks", file.toString())) {
      assertThat(serve.said()).contains("created [], updated [], unchanged [h, g], deleted []");
    }
    Files.writeString(temp.resolve("g.secret"), "whsec_" + "8".repeat(64));
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(List.of(), "--data", data, "--port", "0", "--sinks", file.toString())) {
      assertThat(serve.said()).contains("created [], updated [g], unchanged [h], deleted []");
    }
    Path pruned =
        write("pruned.json", "{\"sinks\": [], \"webhooks\": [" + webhook("h", null) + "]}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(),
            "--data",
            data,
            "--port",
            "0",
            "--sinks",
            pruned.toString(),
            "--prune-sinks")) {
      assertThat(serve.said())
          .contains("sinks of " + pruned + ": created [], updated [], unchanged [], deleted [a]")
          .contains(
              "webhooks of " + pruned + ": created [], updated [], unchanged [h], deleted [g]");
      assertThat(webhooksList(serve.port())).contains("\"h\"").doesNotContain("\"g\"");
    }
  }

  /**
   * A tenant's entries ({@code "tenants": {"acme": {..}}}) go to that tenant's store, with its
   * transactional-id rule, after the tenant is marked so servers run them; an unknown tenant, or a
   * transactional id outside the tenant's prefix, stops the start with nothing applied anywhere;
   * {@code --prune-sinks} prunes per store, only the kinds the file lists for it.
   */
  @Test
  void tenantsEntriesGoToTheTenantsStoresAndAFaultAnywhereAppliesNothing() throws Exception {
    Path data = temp.resolve("data");
    String id;
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(List.of(), "--data", data.toString(), "--port", "0")) {
      FactumCommandTest.Run created =
          factum("tenants", "create", "acme", "--url", "http://127.0.0.1:" + serve.port());
      assertThat(created.exit()).as(created.err()).isZero();
      id = WireJson.mapper().readTree(created.out()).get("id").asText();
    }
    String acme =
        "{\"sinks\": [" + sink("b", "t2") + "], \"webhooks\": [" + webhook("h", null) + "]}";
    Path unknown =
        write(
            "unknown.json",
            "{\"sinks\": ["
                + sink("a", "t1")
                + "], \"tenants\": {\"acme\": "
                + acme
                + ", \"nope\": {\"sinks\": []}}}");
    FactumCommandTest.Run refused = serveOnce(data, unknown);
    assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
    assertThat(refused.err()).contains("tenants").contains("no tenant named 'nope'");
    String foreignId =
        "{\"name\": \"c\", \"topic\": \"t3\", \"bootstrapServers\": \"127.0.0.1:1\","
            + " \"paused\": true, \"producerProperties\": {\"transactional.id\": \"factum-sink-x\"}}";
    Path foreign =
        write(
            "foreign.json",
            "{\"sinks\": ["
                + sink("a", "t1")
                + "], \"tenants\": {\"acme\": {\"sinks\": ["
                + sink("b", "t2")
                + ","
                + foreignId
                + "]}}}");
    FactumCommandTest.Run refusedId = serveOnce(data, foreign);
    assertThat(refusedId.exit()).isEqualTo(1);
    assertThat(refusedId.err())
        .contains("tenants.acme.sinks[1]")
        .contains("must start with 'factum-sink-acme-" + id + "-'");
    assertThat(temp.resolve("acme.h.whsec")).doesNotExist();

    Path file =
        write(
            "tenants.json",
            "{\"sinks\": [" + sink("a", "t1") + "], \"tenants\": {\"acme\": " + acme + "}}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(), "--data", data.toString(), "--port", "0", "--sinks", file.toString())) {
      assertThat(serve.said())
          .contains("sinks of " + file + ": created [a], updated [], unchanged [], deleted []")
          .contains("sinks of tenant acme in " + file + ": created [b], updated []")
          .contains("webhooks of tenant acme in " + file + ": created [h], updated []")
          .contains(
              "webhook h: a new signing secret was written to " + temp.resolve("acme.h.whsec"));
      assertThat(sinksList(serve.port())).contains("t1").doesNotContain("t2");
      assertThat(webhooksList(serve.port())).doesNotContain("\"h\"");
    }
    try (FactumStore root = RocksDbEventStore.open(data);
        FactumStore tenant = RocksDbEventStore.tenants(data).open("acme-" + id)) {
      assertThat(root.records().read("forwarding.tenants", "acme-" + id)).isNotNull();
      StoreRecord b = tenant.records().read(KafkaSinks.NAMESPACE, "b");
      assertThat(new String(b.value(), StandardCharsets.UTF_8))
          .contains("\"transactional.id\":\"factum-sink-acme-" + id + "-b\"");
      assertThat(tenant.records().read(Webhooks.NAMESPACE, "h")).isNotNull();
      assertThat(tenant.records().read(KafkaSinks.NAMESPACE, "a")).isNull();
    }

    // pruning acme's sinks leaves its webhooks (not listed for it) and the root store's sinks
    Path prune = write("prune.json", "{\"tenants\": {\"acme\": {\"sinks\": []}}}");
    try (TlsServeTest.Serve serve =
        TlsServeTest.serve(
            List.of(),
            "--data",
            data.toString(),
            "--port",
            "0",
            "--sinks",
            prune.toString(),
            "--prune-sinks")) {
      assertThat(serve.said())
          .contains(
              "sinks of tenant acme in "
                  + prune
                  + ": created [], updated [], unchanged [], deleted [b]")
          .contains(
              "webhooks of tenant acme in "
                  + prune
                  + ": created [], updated [], unchanged [], deleted []");
      assertThat(sinksList(serve.port())).contains("t1");
    }
    try (FactumStore tenant = RocksDbEventStore.tenants(data).open("acme-" + id)) {
      assertThat(tenant.records().list(KafkaSinks.NAMESPACE)).isEmpty();
      assertThat(tenant.records().read(Webhooks.NAMESPACE, "h")).isNotNull();
    }
  }

  private static FactumCommandTest.Run serveOnce(Path data, Path file) {
    return assertTimeoutPreemptively(
        LIMIT,
        () ->
            factum("serve", "--data", data.toString(), "--port", "0", "--sinks", file.toString()));
  }

  private static String webhook(String name, String secretFile) {
    return "{\"name\": \""
        + name
        + "\", \"url\": \"http://127.0.0.1:1/\", \"paused\": true"
        + (secretFile == null ? "" : ", \"secretFile\": " + secretFile)
        + "}";
  }

  private static String webhooksList(int port) {
    FactumCommandTest.Run list = factum("webhooks", "list", "--url", "http://127.0.0.1:" + port);
    assertThat(list.exit()).as(list.err()).isZero();
    return list.out();
  }

  private static String sinksList(int port) {
    FactumCommandTest.Run list = factum("sinks", "list", "--url", "http://127.0.0.1:" + port);
    assertThat(list.exit()).as(list.err()).isZero();
    return list.out();
  }

  private static String sink(String name, String topic) {
    return "{\"name\": \""
        + name
        + "\", \"topic\": \""
        + topic
        + "\", \"bootstrapServers\": \"127.0.0.1:1\", \"paused\": true}";
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(temp.resolve(name), content);
  }
}
