package dev.factum.wire;

import dev.factum.api.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads the PEM files an operator has (X.509 certificates, unencrypted PKCS#8 private keys) with
 * the JDK alone, for the server's certificate and key and for the client's trusted CAs.
 *
 * <p>Design note: TLS set-ups fail at start-up or not at all, and the failure must say what is
 * wrong with which file, so every refusal names the file and what it holds instead: a key where a
 * certificate was expected, an encrypted key, a PKCS#1 or SEC1 key (with the {@code openssl}
 * command that converts it), no PEM block at all. Keys are RSA or EC; nothing here decrypts.
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----",
          Pattern.DOTALL | Pattern.MULTILINE);
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PRIVATE_KEY = "PRIVATE KEY";

  private Pem() {}

  /** The certificates of a PEM file, in file order (a chain: the server's own first). */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> certificates = new ArrayList<>();
    List<Block> blocks = blocks(file);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 support", e);
    }
    for (Block block : blocks) {
      if (!block.label().equals(CERTIFICATE)) {
        continue;
      }
      try {
        certificates.add(
            (X509Certificate)
                factory.generateCertificate(new ByteArrayInputStream(block.der(file))));
      } catch (CertificateException e) {
        throw new InvalidArgumentException(
            file + " holds a CERTIFICATE block that is not an X.509 certificate: " + e.getMessage(),
            e);
      }
    }
    if (certificates.isEmpty()) {
      throw new InvalidArgumentException(
          file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)" + found(blocks));
    }
    return List.copyOf(certificates);
  }

  /** The one unencrypted PKCS#8 private key (RSA or EC) of a PEM file. */
  public static PrivateKey privateKey(Path file) {
    List<Block> blocks = blocks(file);
    for (Block block : blocks) {
      switch (block.label()) {
        case PRIVATE_KEY -> {
          return pkcs8(file, block.der(file));
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new InvalidArgumentException(
                file
                    + " holds an encrypted private key; Factum reads unencrypted PKCS#8 keys only"
                    + " (decrypt it: openssl pkcs8 -in "
                    + file
                    + " -out key.pem, and make key.pem readable by the server's user alone)");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" ->
            throw new InvalidArgumentException(
                file
                    + " holds a "
                    + block.label()
                    + " (PKCS#1/SEC1 form, perhaps encrypted); Factum reads PKCS#8 keys"
                    + " (convert it: openssl pkcs8 -topk8 -nocrypt -in "
                    + file
                    + " -out key.pem)");
        default -> {
          // another kind of block: look further
        }
      }
    }
    throw new InvalidArgumentException(
        file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)" + found(blocks));
  }

  /**
   * A TLS context that trusts the certificates of a PEM file (CA certificates, or a self-signed
   * server certificate) and nothing else. The client still checks the server's host name.
   */
  public static SSLContext trustContext(Path caFile) {
    List<X509Certificate> certificates = certificates(caFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context trusting " + caFile, e);
    }
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException notThisAlgorithm) {
        // try the next one
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no " + algorithm + " key support", e);
      }
    }
    throw new InvalidArgumentException(
        file + " holds a PKCS#8 key that is neither an RSA nor an EC key (or is damaged)");
  }

  private static List<Block> blocks(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException("cannot read " + file + ": no such file", e);
    } catch (IOException e) {
      throw new InvalidArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      blocks.add(new Block(matcher.group(1), matcher.group(2)));
    }
    return blocks;
  }

  private static String found(List<Block> blocks) {
    if (blocks.isEmpty()) {
      return "; it is not a PEM file";
    }
    return "; it holds "
        + String.join(", ", blocks.stream().map(b -> b.label()).distinct().toList());
  }

  private record Block(String label, String body) {
    byte[] der(Path file) {
      try {
        return Base64.getMimeDecoder().decode(body.strip());
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException(
            file + " holds a " + label + " block that is not valid base64", e);
      }
    }
  }
}
