package dev.factum.bench.http;

import dev.factum.bench.load.DataDirectory;
import dev.factum.server.TlsConfig;
import dev.factum.wire.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The TLS of {@code --tls} runs: a self-signed P-256 certificate for 127.0.0.1, made with {@code
 * openssl} in a temporary directory, served by the server and trusted (alone) by the client, so the
 * handshake and the record layer are the real ones, host name check included.
 *
 * @param server what the server serves with
 * @param client what the client trusts
 */
record BenchTls(TlsConfig server, SSLContext client) {
  static BenchTls create() throws IOException {
    Path directory = Files.createTempDirectory("factum-bench-tls");
    try {
      Path key = directory.resolve("server.key");
      Path certificate = directory.resolve("server.pem");
      List<String> command =
          List.of(
              "openssl",
              "req",
              "-x509",
              "-newkey",
              "EC",
              "-pkeyopt",
              "ec_paramgen_curve:P-256",
              "-nodes",
              "-days",
              "1",
              "-subj",
              "/CN=factum-bench",
              "-addext",
              "subjectAltName=IP:127.0.0.1,DNS:localhost",
              "-keyout",
              key.toString(),
              "-out",
              certificate.toString());
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException("openssl could not make the --tls certificate:\n" + said);
      }
      return new BenchTls(TlsConfig.fromPem(certificate, key), Pem.trustContext(certificate));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the --tls certificate", e);
    } finally {
      DataDirectory.deleteTree(directory);
    }
  }
}
