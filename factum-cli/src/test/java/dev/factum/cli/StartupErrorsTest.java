package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up failures of {@code serve} and {@code verify} are said in plain words, with exit code 1
 * (2 for bad usage), and are found before anything is created. The failing runs return; were a
 * check missing, {@code serve} would start and block, which the timeout turns into a failure.
 */
class StartupErrorsTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  @TempDir Path temp;

  @Test
  void aDataDirectoryHeldByAnotherProcessIsNamed() throws Exception {
    Path data = temp.resolve("data");
    try (FactumStore held = RocksDbEventStore.open(data)) {
      // a real second process: the lock is the operating system's, not this JVM's
      Process second =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Factum.class.getName(),
                  "serve",
                  "--data",
                  data.toString(),
                  "--port",
                  "0")
              .redirectErrorStream(true)
              .start();
      assertThat(second.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      String said = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(second.exitValue()).as(said).isEqualTo(1);
      assertThat(said)
          .contains("factum serve: another Factum process holds " + data.toAbsolutePath())
          .doesNotContain("LOCK");
      // a second open in this process, and verify, get the same answer
      FactumCommandTest.Run serve =
          assertTimeoutPreemptively(
              LIMIT, () -> factum("serve", "--data", data.toString(), "--port", "0"));
      assertThat(serve.exit()).isEqualTo(1);
      assertThat(serve.err()).contains("another Factum process holds");
      FactumCommandTest.Run verify = factum("verify", "--data", data.toString());
      assertThat(verify.exit()).isEqualTo(1);
      assertThat(verify.err())
          .isEqualTo(
              "factum verify: another Factum process holds "
                  + data.toAbsolutePath()
                  + " (stop it first; one process at a time may open a data directory)\n");
      assertThat(held.headPosition()).isEqualTo(-1);
    }
  }

  @Test
  void aPortInUseIsFoundBeforeTheDataDirectoryIsCreated() throws Exception {
    Path data = temp.resolve("never-created");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      FactumCommandTest.Run serve =
          assertTimeoutPreemptively(
              LIMIT,
              () ->
                  factum(
                      "serve",
                      "--data",
                      data.toString(),
                      "--port",
                      String.valueOf(taken.getLocalPort())));
      assertThat(serve.exit()).isEqualTo(1);
      assertThat(serve.err())
          .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("the port is in use");
    }
    assertThat(data).doesNotExist();
  }

  @Test
  void aGroupLeaseOutOfRangeIsABadUsageAndCreatesNothing() {
    Path data = temp.resolve("lease-data");
    for (String lease : List.of("50", "600001", "ten")) {
      FactumCommandTest.Run serve =
          factum("serve", "--data", data.toString(), "--port", "0", "--group-lease-ms", lease);
      assertThat(serve.exit()).as(lease).isEqualTo(2);
      assertThat(serve.err())
          .contains("group lease must be 100 to 600000 milliseconds, was '" + lease + "'");
    }
    assertThat(data).doesNotExist();
  }

  @Test
  void anUnknownHttpServerIsABadUsageAndCreatesNothing() {
    Path data = temp.resolve("http-server-data");
    FactumCommandTest.Run serve =
        factum("serve", "--data", data.toString(), "--port", "0", "--http-server", "netty");
    assertThat(serve.exit()).isEqualTo(2);
    assertThat(serve.err()).contains("unknown HTTP server 'netty': expected factum or jdk");
    assertThat(data).doesNotExist();
  }

  @Test
  void aBadScavengingScheduleIsABadUsageAndCreatesNothing() {
    Path data = temp.resolve("scavenge-data");
    for (String[] bad :
        List.of(
            new String[] {"--scavenge-every", "0s", "must be positive"},
            new String[] {"--scavenge-every", "PT-1H", "must be positive"},
            new String[] {"--scavenge-every", "hourly", "cannot read the scavenging interval"},
            new String[] {"--scavenge-rate", "100", "needs an interval"})) {
      FactumCommandTest.Run serve =
          factum("serve", "--data", data.toString(), "--port", "0", bad[0], bad[1]);
      assertThat(serve.exit()).as(bad[1]).isEqualTo(2);
      assertThat(serve.err()).contains(bad[2]);
    }
    FactumCommandTest.Run badRate =
        factum(
            "serve",
            "--data",
            data.toString(),
            "--port",
            "0",
            "--scavenge-every",
            "1h",
            "--scavenge-rate",
            "-5");
    assertThat(badRate.exit()).isEqualTo(2);
    assertThat(badRate.err()).contains("0 (the default) or more");
    assertThat(data).doesNotExist();
  }

  @Test
  void aDataPathThatIsAFileOrUnwritableIsNamed() throws IOException {
    Path file = Files.writeString(temp.resolve("a-file"), "x");
    FactumCommandTest.Run notDirectory = factum("serve", "--data", file.toString(), "--port", "0");
    assertThat(notDirectory.exit()).isEqualTo(2);
    assertThat(notDirectory.err()).contains("data path " + file + " exists and is not a directory");
    // sysfs takes no new files, even from root: an unwritable place whoever runs the test
    FactumCommandTest.Run unwritable =
        assertTimeoutPreemptively(LIMIT, () -> factum("serve", "--data", "/sys", "--port", "0"));
    assertThat(unwritable.exit()).isEqualTo(1);
    assertThat(unwritable.err()).contains("the data directory /sys is not writable");
    FactumCommandTest.Run uncreatable =
        assertTimeoutPreemptively(
            LIMIT, () -> factum("serve", "--data", "/sys/factum-data", "--port", "0"));
    assertThat(uncreatable.exit()).isEqualTo(1);
    assertThat(uncreatable.err()).contains("cannot create the data directory /sys/factum-data");
  }
}
