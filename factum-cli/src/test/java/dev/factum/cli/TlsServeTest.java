package dev.factum.cli;

import static dev.factum.cli.FactumCommandTest.factum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.factum.tck.TestCertificates;
import dev.factum.tck.TestCertificates.KeyType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code factum serve} with TLS, as a real process bound to all interfaces (traffic only to
 * 127.0.0.1): the CLI's HTTP commands reach it with {@code --cacert} and fail plainly without it;
 * TLS 1.1 is refused even by a JVM whose {@code java.security} allows it; plain HTTP on an exposed
 * address is refused (exit 2) unless {@code --insecure}; unusable TLS files are start-up errors
 * (exit 1) found before the data directory is created.
 */
class TlsServeTest {
  /** A start that should have been refused would block: the timeout turns that into a failure. */
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private static final Pattern LISTENING = Pattern.compile("factum: listening on (\\S+)");
  @TempDir static Path temp;
  static TestCertificates ca;
  static TestCertificates.Server server;

  @BeforeAll
  static void issue() {
    ca = TestCertificates.authority(temp.resolve("ca"));
    server = ca.issue("server", KeyType.RSA, TestCertificates.LOCAL);
  }

  /** A {@code factum serve} process and the port it listens on. */
  record Serve(Process process, int port, String said) implements AutoCloseable {
    @Override
    public void close() {
      process.destroy(); // SIGTERM: a graceful stop
      try {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  static Serve serve(List<String> jvmOptions, String... argv) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Factum.class.getName()));
    command.add("serve");
    command.addAll(List.of(argv));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder said = new StringBuilder();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      said.append(line).append('\n');
      Matcher listening = LISTENING.matcher(line);
      if (listening.find()) {
        String uri = listening.group(1);
        int port = Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
        return new Serve(process, port, said.toString());
      }
    }
    process.waitFor(60, TimeUnit.SECONDS);
    throw new AssertionError("serve did not start:\n" + said);
  }

  record Curl(int exit, String out) {}

  static Curl curl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Curl(process.exitValue(), out);
  }

  @Test
  void theCliSpeaksTlsWithItsCaAndTlsOneOneIsRefusedEvenWhenTheJvmAllowsIt() throws Exception {
    // A java.security that no longer disables TLS 1.0/1.1: only Factum's own policy refuses them.
    Path relaxed =
        Files.writeString(
            temp.resolve("relaxed.security"),
            "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, 3DES_EDE_CBC, anon, NULL\n");
    try (Serve serve =
        serve(
            List.of("-Djava.security.properties=" + relaxed),
            "--data",
            temp.resolve("data").toString(),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--tls-cert",
            server.chain().toString(),
            "--tls-key",
            server.key().toString())) {
      assertThat(serve.said())
          .contains("factum: TLS with the certificate of CN=server")
          .contains("factum: listening on https://0.0.0.0:");
      String url = "https://127.0.0.1:" + serve.port();
      String cacert = ca.certificate().toString();
      FactumCommandTest.Run append =
          factum(
              "append",
              "order-1",
              "--type",
              "Placed",
              "--data",
              "{}",
              "--url",
              url,
              "--cacert",
              cacert);
      assertThat(append.exit()).as(append.err()).isZero();
      FactumCommandTest.Run read = factum("read", "order-1", "--url", url, "--cacert", cacert);
      assertThat(read.exit()).as(read.err()).isZero();
      assertThat(read.out()).contains("\"type\":\"Placed\"");
      FactumCommandTest.Run untrusted = factum("read", "order-1", "--url", url);
      assertThat(untrusted.exit()).isEqualTo(1);
      assertThat(untrusted.err())
          .startsWith("factum read: TLS handshake with " + url + " failed")
          .contains("--cacert");

      String health = url + "/health/live";
      Curl tls12 = curl("-f", "--tlsv1.2", "--tls-max", "1.2", "--cacert", cacert, health);
      assertThat(tls12.exit()).as(tls12.out()).isZero();
      // curl's OpenSSL offers TLS 1.1 only at security level 0
      Curl tls11 =
          curl(
              "--tlsv1.1",
              "--tls-max",
              "1.1",
              "--ciphers",
              "DEFAULT@SECLEVEL=0",
              "--cacert",
              cacert,
              health);
      assertThat(tls11.exit()).as(tls11.out()).isEqualTo(35); // handshake refused
    }
  }

  @Test
  void plainHttpOnAnExposedAddressIsRefusedUnlessInsecure() throws Exception {
    Path data = temp.resolve("refused-data");
    FactumCommandTest.Run refused =
        assertTimeoutPreemptively(
            LIMIT,
            () -> factum("serve", "--data", data.toString(), "--host", "0.0.0.0", "--port", "0"));
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err())
        .startsWith(
            "factum serve: refusing to serve plain HTTP on 0.0.0.0, which is not a loopback"
                + " address")
        .contains("--tls-cert, --tls-key")
        .contains("--insecure");
    assertThat(data).doesNotExist();
    try (Serve serve =
        serve(
            List.of(),
            "--data",
            data.toString(),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--insecure")) {
      assertThat(serve.said())
          .contains("factum: --insecure: plain HTTP")
          .contains("factum: listening on http://0.0.0.0:");
      Curl health = curl("-f", "http://127.0.0.1:" + serve.port() + "/health/live");
      assertThat(health.exit()).as(health.out()).isZero();
    }
  }

  @Test
  void unusableTlsFilesStopTheStartBeforeTheDataDirectoryIsCreated() throws Exception {
    Path data = temp.resolve("never-created");
    TestCertificates.Server other = ca.issue("other", KeyType.EC, TestCertificates.LOCAL);
    FactumCommandTest.Run mismatched =
        assertTimeoutPreemptively(
            LIMIT,
            () ->
                factum(
                    "serve",
                    "--data",
                    data.toString(),
                    "--port",
                    "0",
                    "--tls-cert",
                    server.chain().toString(),
                    "--tls-key",
                    other.key().toString()));
    assertThat(mismatched.exit()).isEqualTo(1);
    assertThat(mismatched.err())
        .isEqualTo(
            "factum serve: the private key in "
                + other.key()
                + " does not belong to the first certificate in "
                + server.chain()
                + " (CN=server); the server's own certificate must come first, then its"
                + " intermediates\n");
    FactumCommandTest.Run halfOfIt =
        factum("serve", "--data", data.toString(), "--tls-cert", server.chain().toString());
    assertThat(halfOfIt.exit()).isEqualTo(2);
    assertThat(halfOfIt.err()).contains("TLS needs both --tls-cert and --tls-key");
    assertThat(data).doesNotExist();
  }
}
