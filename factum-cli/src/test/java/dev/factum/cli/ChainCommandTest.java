package dev.factum.cli;

import static dev.factum.api.ExpectedRevision.any;
import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.EventData;
import dev.factum.cli.FactumCommandTest.Run;
import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum chain head} prints an anchor, {@code factum verify --anchor} passes with it and
 * fails (exit 1, naming the position) with another, and a malformed anchor is a usage error.
 */
class ChainCommandTest {
  @TempDir Path data;

  @Test
  void theHeadIsAnAnchorThatVerifyChecks() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(data)) {
      for (int i = 0; i < 4; i++) {
        store.append("order-" + i, any(), List.of(EventData.json("Placed", "{\"i\":" + i + "}")));
      }
    }
    Run head = factum("chain", "head", "--data", data.toString());
    assertThat(head.exit()).as(head.err()).isZero();
    String anchor = head.out().lines().findFirst().orElseThrow();
    assertThat(anchor).matches("3:[0-9a-f]{64}");
    assertThat(head.out()).contains("chained from position 0");

    Run clean = factum("verify", "--data", data.toString(), "--anchor", anchor, "--print-head");
    assertThat(clean.exit()).as(clean.out()).isZero();
    assertThat(clean.out()).startsWith("OK: 4 events").contains("chain head: " + anchor);

    Run wrong = factum("verify", "--data", data.toString(), "--anchor", "1:" + "0".repeat(64));
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.out()).contains("chain BROKEN first at position 1");

    Run malformed = factum("verify", "--data", data.toString(), "--anchor", "3:nothex");
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).contains("--anchor");
    assertThat(factum("chain", "tail", "--data", data.toString()).exit()).isEqualTo(2);
  }

  @Test
  void verifyOverHttpPrintsTheReportTheServerMade() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(data);
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      for (int i = 0; i < 3; i++) {
        store.append("order-" + i, any(), List.of(EventData.json("Placed", "{\"i\":" + i + "}")));
      }
      String url = server.uri().toString();
      String anchor = factum("chain", "head", "--url", url).out().lines().findFirst().orElseThrow();
      assertThat(anchor).matches("2:[0-9a-f]{64}");

      Run clean = factum("verify", "--url", url, "--anchor", anchor, "--print-head");
      assertThat(clean.exit()).as(clean.err()).isZero();
      assertThat(clean.out())
          .startsWith("OK: 3 events, 3 streams")
          .contains("chain intact", "anchor 2 checked", "chain head: " + anchor);

      Run wrong = factum("verify", "--url", url, "--anchor", "1:" + "0".repeat(64));
      assertThat(wrong.exit()).as(wrong.err()).isEqualTo(1);
      assertThat(wrong.out()).startsWith("DAMAGED").contains("chain BROKEN first at position 1");

      Run both = factum("verify", "--url", url, "--data", data.toString());
      assertThat(both.exit()).isEqualTo(2);
      assertThat(both.err()).contains("not both");
    }
  }
}
