package dev.factum.server;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import dev.factum.api.InvalidArgumentException;
import dev.factum.wire.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The server's TLS identity (certificate chain and private key, read from PEM files) and the one
 * TLS policy it serves with: TLS 1.3 and 1.2 only, AEAD cipher suites only (AES-GCM,
 * ChaCha20-Poly1305) with forward secrecy, the server's preference order.
 *
 * <p>Design note: everything that can be wrong with the files is found here, at start-up, and said
 * with the file's name: unreadable or not PEM, a key that is encrypted or not PKCS#8, a certificate
 * that is expired or not yet valid, and a key that does not belong to the first certificate (proved
 * by signing with the key and verifying with the certificate, which works alike for RSA and EC).
 * The policy is set on every connection rather than left to the JDK's defaults, so that a JVM whose
 * {@code java.security} re-enables old protocols still serves only these.
 */
public final class TlsConfig {
  /** The protocols served, newest first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /** The cipher suites served, in preference order (those the JDK lacks are left out). */
  public static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private static final char[] IN_MEMORY_PASSWORD = "factum".toCharArray();

  private final Path certificateFile;
  private final X509Certificate certificate;
  private final SSLContext context;
  private final SSLParameters parameters;

  private TlsConfig(Path certificateFile, X509Certificate certificate, SSLContext context) {
    this.certificateFile = certificateFile;
    this.certificate = certificate;
    this.context = context;
    SSLParameters defaults = context.getDefaultSSLParameters();
    Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
    this.parameters = new SSLParameters();
    parameters.setProtocols(PROTOCOLS.toArray(String[]::new));
    parameters.setCipherSuites(
        CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new));
    parameters.setUseCipherSuitesOrder(true);
    parameters.setNeedClientAuth(false);
    parameters.setNamedGroups(defaults.getNamedGroups());
  }

  /**
   * Reads the certificate chain (PEM, the server's certificate first, then any intermediates) and
   * its private key (unencrypted PKCS#8 PEM, RSA or EC), and checks that they belong together.
   *
   * @throws InvalidArgumentException naming the file and what is wrong with it
   */
  public static TlsConfig fromPem(Path certificateChain, Path privateKeyFile) {
    List<X509Certificate> chain = Pem.certificates(certificateChain);
    PrivateKey key = Pem.privateKey(privateKeyFile);
    X509Certificate leaf = chain.getFirst();
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new InvalidArgumentException(
          "the certificate in " + certificateChain + " expired on " + leaf.getNotAfter(), e);
    } catch (CertificateNotYetValidException e) {
      throw new InvalidArgumentException(
          "the certificate in " + certificateChain + " is valid only from " + leaf.getNotBefore(),
          e);
    }
    if (!belongTogether(key, leaf)) {
      throw new InvalidArgumentException(
          "the private key in "
              + privateKeyFile
              + " does not belong to the first certificate in "
              + certificateChain
              + " ("
              + leaf.getSubjectX500Principal().getName()
              + "); the server's own certificate must come first, then its intermediates");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return new TlsConfig(certificateChain, leaf, context);
    } catch (GeneralSecurityException | IOException e) {
      throw new InvalidArgumentException(
          "cannot use the key in " + privateKeyFile + " for TLS: " + e.getMessage(), e);
    }
  }

  private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
      return false;
    }
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] challenge = "factum tls key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The certificate file this identity was read from. */
  public Path certificateFile() {
    return certificateFile;
  }

  /** The subject of the server's certificate, for the start-up log. */
  public String subject() {
    return certificate.getSubjectX500Principal().getName();
  }

  /** When the server's certificate expires. */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /** The protocols and suites each connection is offered (a copy). */
  public SSLParameters parameters() {
    SSLParameters copy = new SSLParameters();
    copy.setProtocols(parameters.getProtocols());
    copy.setCipherSuites(parameters.getCipherSuites());
    copy.setUseCipherSuitesOrder(true);
    copy.setNamedGroups(parameters.getNamedGroups());
    return copy;
  }

  HttpsConfigurator configurator() {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters connection) {
        connection.setSSLParameters(parameters());
      }
    };
  }

  @Override
  public String toString() {
    return "TLS "
        + Arrays.toString(parameters.getProtocols())
        + " with the certificate of "
        + subject();
  }
}
