package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client command prints when the server says no or is not there, now that the commands talk
 * through FactumClient: the server's problem as {@code code (status): detail}, a server that cannot
 * be reached as a hint to start one or set --url (both exit 1), a malformed --url as bad usage.
 */
class RemoteMessagesTest {
  @TempDir Path temp;

  @Test
  void problemsUnreachableServersAndBadUrls() throws Exception {
    try (FactumStore store = RocksDbEventStore.open(temp.resolve("data"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      FactumCommandTest.Run missing = factum("state", "", "--url", url);
      assertThat(missing.exit()).isEqualTo(1);
      FactumCommandTest.Run notFound = factum("read", "nobody-1", "--url", url);
      assertThat(notFound.exit()).isEqualTo(1);
      assertThat(notFound.err()).startsWith("factum read: stream-not-found (404): ");
      FactumCommandTest.Run conflict =
          factum("append", "s-1", "--type", "T", "--data", "1", "--expected", "5", "--url", url);
      assertThat(conflict.exit()).isEqualTo(1);
      assertThat(conflict.err()).startsWith("factum append: wrong-expected-revision (409): ");
    }
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String nobody = "http://127.0.0.1:" + closed;
    for (String[] command :
        new String[][] {
          {"read", "s-1"}, {"tail"}, {"export"}, {"delete", "s-1", "--expected-revision", "any"}
        }) {
      String[] argv = new String[command.length + 2];
      System.arraycopy(command, 0, argv, 0, command.length);
      argv[command.length] = "--url";
      argv[command.length + 1] = nobody;
      FactumCommandTest.Run run = factum(argv);
      assertThat(run.exit()).as(String.join(" ", argv)).isEqualTo(1);
      assertThat(run.err())
          .as(String.join(" ", argv))
          .contains(
              "cannot reach a Factum server at "
                  + nobody
                  + " (is 'factum serve' running? set --url)");
    }
    FactumCommandTest.Run badUrl = factum("read", "s-1", "--url", "127.0.0.1:7117");
    assertThat(badUrl.exit()).isEqualTo(2);
    assertThat(badUrl.err()).contains("--url must be like http://127.0.0.1:7117");
  }
}
