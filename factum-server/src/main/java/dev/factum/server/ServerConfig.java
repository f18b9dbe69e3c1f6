package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Settings of the HTTP server, validated in one place.
 *
 * @param host address to bind; 127.0.0.1 by default, so nothing is exposed unless asked
 * @param port port to bind; 0 picks a free one
 * @param maxRequestBytes largest request body accepted (beyond: 413)
 * @param heartbeat interval of SSE heartbeat comments on idle connections
 * @param maxLongPoll longest {@code wait=} a reader may ask for on {@code GET /all}
 * @param shutdownGrace how long a graceful shutdown waits for requests under way
 * @param tls the certificate and key to serve HTTPS with; null serves plain HTTP
 * @param insecure allows plain HTTP on an address other than loopback, which is refused otherwise:
 *     anyone on the network could read the events and alter requests and answers
 * @param auth whether API keys are required (always, off loopback) and where the first goes
 * @param backupRoot the directory {@code POST /admin/backup} writes backups under (the root store's
 *     in {@code root/}, a tenant's in {@code tenants/<tenant>-<id>/}); null: no backups over HTTP.
 *     Fixed here, in the server's settings, so that an admin key can never make the server write
 *     anywhere else
 * @param transport which HTTP/1.1 server carries the API: Factum's own (the default) or the JDK's
 *     ({@link HttpTransport}); the wire is the same
 * @param scavenging automatic scavenging runs ({@link ScavengeSchedule}); off by default
 */
public record ServerConfig(
    String host,
    int port,
    long maxRequestBytes,
    Duration heartbeat,
    Duration maxLongPoll,
    Duration shutdownGrace,
    TlsConfig tls,
    boolean insecure,
    AuthSettings auth,
    Path backupRoot,
    HttpTransport transport,
    ScavengeSchedule scavenging) {

  public static final int DEFAULT_PORT = 7117;
  public static final ServerConfig DEFAULT =
      new ServerConfig(
          "127.0.0.1",
          DEFAULT_PORT,
          32L << 20,
          Duration.ofSeconds(15),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          null,
          false,
          AuthSettings.OPEN_ON_LOOPBACK,
          null,
          HttpTransport.DEFAULT,
          ScavengeSchedule.OFF);

  public ServerConfig {
    if (host == null || host.isBlank()) {
      throw new InvalidArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new InvalidArgumentException("port must be from 0 to 65535, was " + port);
    }
    if (maxRequestBytes < 1024) {
      throw new InvalidArgumentException("max request size must be at least 1024 bytes");
    }
    if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new InvalidArgumentException("heartbeat must be positive");
    }
    if (maxLongPoll == null || maxLongPoll.isNegative()) {
      throw new InvalidArgumentException("max long poll must not be negative");
    }
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      throw new InvalidArgumentException("shutdown grace must not be negative");
    }
    if (auth == null) {
      throw new InvalidArgumentException("auth settings are missing");
    }
    if (transport == null) {
      throw new InvalidArgumentException("the HTTP transport is missing");
    }
    if (scavenging == null) {
      throw new InvalidArgumentException("the scavenging schedule is missing (OFF: none)");
    }
    if (tls == null && !insecure && !loopback(host)) {
      throw new InvalidArgumentException(
          "refusing to serve plain HTTP on "
              + host
              + ", which is not a loopback address: anyone on the network could read and alter"
              + " the traffic; give a certificate and key (--tls-cert, --tls-key), or accept"
              + " that risk with --insecure");
    }
  }

  /** Whether this server requires API keys (see {@link AuthSettings#enabledFor}). */
  public boolean authEnabled() {
    return auth.enabledFor(host);
  }

  public ServerConfig withAuth(AuthSettings newAuth) {
    return edit(e -> e.auth = newAuth);
  }

  /** Backups over HTTP under {@code newBackupRoot} (see {@link #backupRoot}); null: none. */
  public ServerConfig withBackupRoot(Path newBackupRoot) {
    return edit(
        e ->
            e.backupRoot =
                newBackupRoot == null ? null : newBackupRoot.toAbsolutePath().normalize());
  }

  /** Whether the server speaks HTTPS. */
  public boolean tlsEnabled() {
    return tls != null;
  }

  /**
   * Whether every address {@code host} names is a loopback one. A name that does not resolve counts
   * as exposed: the check must never let plain HTTP through on a guess.
   */
  static boolean loopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public ServerConfig withPort(int newPort) {
    return edit(e -> e.port = newPort);
  }

  /**
   * Another address; with plain HTTP, one other than loopback needs TLS or {@code insecure} ({@link
   * #withListener}).
   */
  public ServerConfig withHost(String newHost) {
    return edit(e -> e.host = newHost);
  }

  public ServerConfig withHeartbeat(Duration newHeartbeat) {
    return edit(e -> e.heartbeat = newHeartbeat);
  }

  /** Serves HTTPS with {@code newTls}, or plain HTTP when null. */
  public ServerConfig withTls(TlsConfig newTls) {
    return edit(e -> e.tls = newTls);
  }

  /** Host and TLS together, so that neither order of setting them trips the exposure check. */
  public ServerConfig withListener(String newHost, TlsConfig newTls, boolean newInsecure) {
    return edit(
        e -> {
          e.host = newHost;
          e.tls = newTls;
          e.insecure = newInsecure;
        });
  }

  /** Bodies up to {@code bytes} (beyond: 413). */
  public ServerConfig withMaxRequestBytes(long bytes) {
    return edit(e -> e.maxRequestBytes = bytes);
  }

  /** A graceful shutdown waits up to {@code grace} for requests under way. */
  public ServerConfig withShutdownGrace(Duration grace) {
    return edit(e -> e.shutdownGrace = grace);
  }

  /** Carried by {@code newTransport} (the same API and wire either way). */
  public ServerConfig withTransport(HttpTransport newTransport) {
    return edit(e -> e.transport = newTransport);
  }

  /** Scavenges automatically by {@code schedule} ({@link ScavengeSchedule#OFF}: never). */
  public ServerConfig withScavenging(ScavengeSchedule schedule) {
    return edit(e -> e.scavenging = schedule);
  }

  /** A copy of this configuration with {@code change} applied, validated as any is. */
  private ServerConfig edit(Consumer<Editor> change) {
    Editor editor = new Editor(this);
    change.accept(editor);
    return editor.config();
  }

  /**
   * The fields of a {@link ServerConfig} being edited: the one place that copies every field, so a
   * with-method names only what it changes, and a new setting is added here once.
   */
  private static final class Editor {
    String host;
    int port;
    long maxRequestBytes;
    Duration heartbeat;
    Duration maxLongPoll;
    Duration shutdownGrace;
    TlsConfig tls;
    boolean insecure;
    AuthSettings auth;
    Path backupRoot;
    HttpTransport transport;
    ScavengeSchedule scavenging;

    Editor(ServerConfig from) {
      host = from.host;
      port = from.port;
      maxRequestBytes = from.maxRequestBytes;
      heartbeat = from.heartbeat;
      maxLongPoll = from.maxLongPoll;
      shutdownGrace = from.shutdownGrace;
      tls = from.tls;
      insecure = from.insecure;
      auth = from.auth;
      backupRoot = from.backupRoot;
      transport = from.transport;
      scavenging = from.scavenging;
    }

    ServerConfig config() {
      return new ServerConfig(
          host,
          port,
          maxRequestBytes,
          heartbeat,
          maxLongPoll,
          shutdownGrace,
          tls,
          insecure,
          auth,
          backupRoot,
          transport,
          scavenging);
    }
  }
}
