package dev.factum.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.factum.api.InvalidArgumentException;
import dev.factum.tck.TestCertificates;
import dev.factum.tck.TestCertificates.KeyType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS as an operator meets it: certificates made by openssl, a real server bound to all
 * interfaces, and real curl on 127.0.0.1. Appends, reads, keep-alive and SSE work over TLS; a
 * client without the CA fails verification; TLS 1.2 is served with AEAD suites only; bad files are
 * refused at start-up with the file's name and what is wrong.
 */
class TlsTest {
  @TempDir static Path temp;
  static TestCertificates ca;
  static TestCertificates.Server rsa;
  static TestCertificates.Server ec;

  @BeforeAll
  static void issue() {
    ca = TestCertificates.authority(temp.resolve("ca"));
    rsa = ca.issue("rsa-server", KeyType.RSA, TestCertificates.LOCAL);
    ec = ca.issue("ec-server", KeyType.EC, TestCertificates.LOCAL);
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

  private static TestServer tlsServer(Path data, TestCertificates.Server identity)
      throws Exception {
    ServerConfig config =
        ServerConfig.DEFAULT
            .withListener("0.0.0.0", TlsConfig.fromPem(identity.chain(), identity.key()), false)
            .withAuth(AuthSettings.on(data.resolve("admin.key"))); // always on off loopback
    return new TestServer(data, config);
  }

  /** The header with the admin key the server made at its first start. */
  private static String bearer(Path data) throws IOException {
    return "Authorization: Bearer " + Files.readString(data.resolve("admin.key")).trim();
  }

  private static String local(TestServer server, String path) {
    return "https://127.0.0.1:" + server.server.port() + path;
  }

  @Test
  void curlWithTheCaAppendsReadsAndFollowsSseOverOneKeptAliveConnection(@TempDir Path data)
      throws Exception {
    try (TestServer server = tlsServer(data, rsa)) {
      assertThat(server.server.uri().getScheme()).isEqualTo("https");
      String cacert = ca.certificate().toString();
      String bearer = bearer(data);
      Curl append =
          curl(
              "--cacert",
              cacert,
              "-H",
              bearer,
              local(server, "/streams/order-1"),
              "-H",
              "Content-Type: application/json",
              "-d",
              "{\"expectedRevision\":\"no_stream\",\"events\":[{\"type\":\"Placed\",\"data\":{}}]}");
      assertThat(append.exit()).as(append.out()).isZero();
      assertThat(append.out()).contains("\"firstRevision\":0");
      // two requests in one curl run: the second reuses the TLS connection (keep-alive)
      Curl reads =
          curl(
              "-v",
              "--cacert",
              cacert,
              "-H",
              bearer,
              local(server, "/streams/order-1"),
              local(server, "/all?limit=10"));
      assertThat(reads.exit()).as(reads.out()).isZero();
      assertThat(reads.out())
          .contains("SSL connection using TLSv1.3")
          .contains("Re-using existing connection")
          .contains("\"type\":\"Placed\"");
      Curl sse =
          curl(
              "-N",
              "--max-time",
              "1",
              "--cacert",
              cacert,
              "-H",
              bearer,
              local(server, "/all/events?from=0"));
      assertThat(sse.exit()).as("curl stops the feed after a second (28)").isEqualTo(28);
      assertThat(sse.out()).contains("id: 0").contains("\"type\":\"Placed\"").contains("caught-up");
      Curl metrics = curl("-f", "--cacert", cacert, local(server, "/metrics"));
      assertThat(metrics.exit()).as(metrics.out()).isZero();
      long notAfter = TlsConfig.fromPem(rsa.chain(), rsa.key()).notAfter().getEpochSecond();
      double expiry =
          metrics
              .out()
              .lines()
              .filter(line -> line.startsWith("factum_tls_certificate_expiry_seconds "))
              .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no expiry gauge in:\n" + metrics.out()));
      assertThat(expiry).isEqualTo((double) notAfter);
    }
  }

  @Test
  void curlWithoutTheCaFailsVerificationAndNothingIsWritten(@TempDir Path data) throws Exception {
    try (TestServer server = tlsServer(data, ec)) {
      long head = server.store.headPosition(); // the first admin key's events
      Curl append =
          curl(
              local(server, "/streams/order-1"),
              "-H",
              "Content-Type: application/json",
              "-d",
              "{\"events\":[{\"type\":\"Placed\",\"data\":{}}]}");
      assertThat(append.exit()).as(append.out()).isEqualTo(60); // peer certificate not verified
      assertThat(append.out()).contains("SSL certificate problem");
      assertThat(server.store.headPosition()).isEqualTo(head);
    }
  }

  @Test
  void tlsOneTwoIsServedWithAeadSuitesOnly(@TempDir Path data) throws Exception {
    try (TestServer server = tlsServer(data, rsa)) {
      String cacert = ca.certificate().toString();
      Curl gcm = curl("-fv", "--tls-max", "1.2", "--cacert", cacert, local(server, "/health/live"));
      assertThat(gcm.exit()).as(gcm.out()).isZero();
      assertThat(gcm.out()).contains("SSL connection using TLSv1.2 / ECDHE-RSA-AES128-GCM-SHA256");
      for (String cbc : List.of("ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-SHA")) {
        Curl refused =
            curl(
                "--tls-max",
                "1.2",
                "--ciphers",
                cbc,
                "--cacert",
                cacert,
                local(server, "/health/live"));
        assertThat(refused.exit()).as(cbc + ": " + refused.out()).isEqualTo(35); // handshake
      }
    }
  }

  @Test
  void plainHttpOnAnExposedAddressIsRefusedUnlessInsecure() {
    for (String exposed : List.of("0.0.0.0", "::", "192.0.2.1")) {
      assertThatThrownBy(() -> ServerConfig.DEFAULT.withHost(exposed))
          .as(exposed)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("refusing to serve plain HTTP on " + exposed)
          .hasMessageContaining("--insecure");
      assertThat(ServerConfig.DEFAULT.withListener(exposed, null, true).insecure()).isTrue();
    }
    for (String loopback : List.of("127.0.0.1", "127.1.2.3", "::1", "localhost")) {
      assertThat(ServerConfig.DEFAULT.withHost(loopback).host()).isEqualTo(loopback);
    }
  }

  @Test
  void unusableFilesAreRefusedWithTheFileAndTheReason() throws Exception {
    Path dir = temp.resolve("bad");
    Files.createDirectories(dir);
    TestCertificates.Server other = ca.issue("other", KeyType.RSA, TestCertificates.LOCAL);
    assertThatThrownBy(() -> TlsConfig.fromPem(rsa.chain(), other.key()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("the private key in " + other.key())
        .hasMessageContaining("does not belong to the first certificate in " + rsa.chain());
    assertThatThrownBy(() -> TlsConfig.fromPem(rsa.chain(), ec.key()))
        .hasMessageContaining("does not belong");
    assertThatThrownBy(() -> TlsConfig.fromPem(rsa.key(), rsa.key()))
        .hasMessageContaining(rsa.key() + " holds no PEM certificate")
        .hasMessageContaining("it holds PRIVATE KEY");
    assertThatThrownBy(() -> TlsConfig.fromPem(rsa.chain(), rsa.chain()))
        .hasMessageContaining(rsa.chain() + " holds no PEM private key");
    Path encrypted = dir.resolve("encrypted.key");
    TestCertificates.openssl(
        dir,
        "pkcs8",
        "-topk8",
        "-in",
        rsa.key().toString(),
        "-out",
        encrypted.toString(),
        "-passout",
        "pass:secret");
    assertThatThrownBy(() -> TlsConfig.fromPem(rsa.chain(), encrypted))
        .hasMessageContaining(encrypted + " holds an encrypted private key");
    Path pkcs1 = dir.resolve("pkcs1.key");
    TestCertificates.openssl(
        dir, "rsa", "-in", rsa.key().toString(), "-traditional", "-out", pkcs1.toString());
    assertThatThrownBy(() -> TlsConfig.fromPem(rsa.chain(), pkcs1))
        .hasMessageContaining(pkcs1 + " holds a RSA PRIVATE KEY")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    TestCertificates.Server expired = ca.issue("expired", KeyType.EC, TestCertificates.LOCAL, -1);
    assertThatThrownBy(() -> TlsConfig.fromPem(expired.chain(), expired.key()))
        .hasMessageContaining("the certificate in " + expired.chain() + " expired on");
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate");
    assertThatThrownBy(() -> TlsConfig.fromPem(text, rsa.key()))
        .hasMessageContaining("it is not a PEM file");
    assertThatThrownBy(() -> TlsConfig.fromPem(dir.resolve("missing.pem"), rsa.key()))
        .hasMessageContaining("missing.pem: no such file");
    // both key types work
    assertThat(TlsConfig.fromPem(ec.chain(), ec.key()).subject()).isEqualTo("CN=ec-server");
    assertThat(TlsConfig.fromPem(rsa.chain(), rsa.key()).parameters().getProtocols())
        .containsExactly("TLSv1.3", "TLSv1.2");
  }
}
