package dev.factum.tck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority for TLS tests, made with the {@code openssl} command (Debian's
 * {@code openssl} package; {@code bin/test} installs it when missing), so the files are the ones an
 * operator has: a PEM CA certificate, PEM chains and unencrypted PKCS#8 keys.
 *
 * <p>Design note: openssl rather than the JDK, because the server must read what operators bring,
 * and because the JDK has no public API to issue certificates. Everything is valid for two days and
 * lives in the test's temporary directory.
 */
public final class TestCertificates {
  /** The SAN of a server certificate that the tests reach: 127.0.0.1 and localhost. */
  public static final String LOCAL = "IP:127.0.0.1,DNS:localhost";

  /** The files of one issued server certificate. */
  public record Server(Path chain, Path key) {}

  /** The kinds of server key. */
  public enum KeyType {
    RSA("RSA", "rsa_keygen_bits:2048"),
    EC("EC", "ec_paramgen_curve:P-256");

    private final String algorithm;
    private final String option;

    KeyType(String algorithm, String option) {
      this.algorithm = algorithm;
      this.option = option;
    }
  }

  private final Path directory;
  private final Path caKey;
  private final Path caCertificate;

  private TestCertificates(Path directory) {
    this.directory = directory;
    this.caKey = directory.resolve("ca.key");
    this.caCertificate = directory.resolve("ca.pem");
  }

  /** A new CA in {@code directory} (created if missing). */
  public static TestCertificates authority(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    TestCertificates ca = new TestCertificates(directory);
    openssl(
        directory,
        "req",
        "-x509",
        "-newkey",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        ca.caKey.toString(),
        "-out",
        ca.caCertificate.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=Factum Test CA " + directory.getFileName(),
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return ca;
  }

  /** The CA's certificate (PEM), what a client trusts. */
  public Path certificate() {
    return caCertificate;
  }

  /** A server certificate for {@code subjectAltNames} (e.g. {@link #LOCAL}), signed by this CA. */
  public Server issue(String name, KeyType type, String subjectAltNames) {
    return issue(name, type, subjectAltNames, 2);
  }

  /**
   * As above, valid from now for {@code days}; a negative number gives a certificate that expired
   * before it was issued (openssl puts its end before its start).
   */
  public Server issue(String name, KeyType type, String subjectAltNames, int days) {
    Path key = directory.resolve(name + ".key");
    Path request = directory.resolve(name + ".csr");
    Path certificate = directory.resolve(name + ".crt");
    Path extensions = directory.resolve(name + ".ext");
    Path chain = directory.resolve(name + "-chain.pem");
    openssl(
        directory,
        "genpkey",
        "-algorithm",
        type.algorithm,
        "-pkeyopt",
        type.option,
        "-out",
        key.toString());
    openssl(
        directory,
        "req",
        "-new",
        "-key",
        key.toString(),
        "-subj",
        "/CN=" + name,
        "-out",
        request.toString());
    try {
      Files.writeString(
          extensions,
          "subjectAltName=" + subjectAltNames + "\nextendedKeyUsage=serverAuth\n",
          StandardCharsets.US_ASCII);
      openssl(
          directory,
          "x509",
          "-req",
          "-in",
          request.toString(),
          "-CA",
          caCertificate.toString(),
          "-CAkey",
          caKey.toString(),
          "-CAcreateserial",
          "-days",
          String.valueOf(days),
          "-extfile",
          extensions.toString(),
          "-out",
          certificate.toString());
      Files.writeString(
          chain,
          Files.readString(certificate, StandardCharsets.US_ASCII)
              + Files.readString(caCertificate, StandardCharsets.US_ASCII),
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Server(chain, key);
  }

  /** Runs {@code openssl} with {@code arguments} in {@code directory}; fails on a non-zero exit. */
  public static String openssl(Path directory, String... arguments) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(arguments));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(command + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run openssl (install Debian's openssl package; bin/test does): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
