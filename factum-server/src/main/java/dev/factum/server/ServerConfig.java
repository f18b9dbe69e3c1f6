package dev.factum.server;

import dev.factum.api.InvalidArgumentException;
import java.time.Duration;

/**
 * Settings of the HTTP server, validated in one place.
 *
 * @param host address to bind; 127.0.0.1 by default, so nothing is exposed unless asked
 * @param port port to bind; 0 picks a free one
 * @param maxRequestBytes largest request body accepted (beyond: 413)
 * @param heartbeat interval of SSE heartbeat comments on idle connections
 * @param maxLongPoll longest {@code wait=} a reader may ask for on {@code GET /all}
 * @param shutdownGrace how long a graceful shutdown waits for requests under way
 * @param auth whether API keys are required (always, off loopback) and where the first goes
 */
public record ServerConfig(
    String host,
    int port,
    long maxRequestBytes,
    Duration heartbeat,
    Duration maxLongPoll,
    Duration shutdownGrace,
    AuthSettings auth) {

  public static final int DEFAULT_PORT = 7117;
  public static final ServerConfig DEFAULT =
      new ServerConfig(
          "127.0.0.1",
          DEFAULT_PORT,
          32L << 20,
          Duration.ofSeconds(15),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          AuthSettings.OPEN_ON_LOOPBACK);

  /** Settings with auth as the defaults have it (open on loopback, required elsewhere). */
  public ServerConfig(
      String host,
      int port,
      long maxRequestBytes,
      Duration heartbeat,
      Duration maxLongPoll,
      Duration shutdownGrace) {
    this(
        host,
        port,
        maxRequestBytes,
        heartbeat,
        maxLongPoll,
        shutdownGrace,
        AuthSettings.OPEN_ON_LOOPBACK);
  }

  public ServerConfig {
    if (auth == null) {
      throw new InvalidArgumentException("auth settings are missing");
    }
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
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host, newPort, maxRequestBytes, heartbeat, maxLongPoll, shutdownGrace, auth);
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(
        newHost, port, maxRequestBytes, heartbeat, maxLongPoll, shutdownGrace, auth);
  }

  public ServerConfig withAuth(AuthSettings newAuth) {
    return new ServerConfig(
        host, port, maxRequestBytes, heartbeat, maxLongPoll, shutdownGrace, newAuth);
  }

  /** Whether this server requires API keys (see {@link AuthSettings#enabledFor}). */
  public boolean authEnabled() {
    return auth.enabledFor(host);
  }

  public ServerConfig withHeartbeat(Duration newHeartbeat) {
    return new ServerConfig(
        host, port, maxRequestBytes, newHeartbeat, maxLongPoll, shutdownGrace, auth);
  }
}
