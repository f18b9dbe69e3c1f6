package dev.factum.storage.postgres;

import dev.factum.api.InvalidArgumentException;
import java.time.Duration;

/**
 * How to reach the database, validated in one place.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database}; the database must exist
 * @param user role to connect as; it needs to create tables on first start (or the schema must
 *     already be migrated) and to read and write them
 * @param password its password, empty for none
 * @param poolSize connections for readers (the writer and the commit watcher have one each)
 * @param pollInterval how often the commit watcher asks for the newest position when no
 *     notification arrives (the fallback for a lost LISTEN connection)
 * @param schema the schema the store lives in (pgjdbc's {@code currentSchema}), null for the
 *     connection's default ({@code public}); a tenant's store has its own ({@code
 *     PostgresEventStore.tenants}). At most 55 characters of {@code [a-z0-9_]}, starting with a
 *     letter or {@code _}, so its commit channel {@code <schema>_commits} is a valid identifier.
 */
public record PostgresConfig(
    String jdbcUrl,
    String user,
    String password,
    int poolSize,
    Duration pollInterval,
    String schema) {

  public static final int DEFAULT_POOL_SIZE = 16;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

  public PostgresConfig {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new InvalidArgumentException(
          "the PostgreSQL URL must look like jdbc:postgresql://host:port/database, not " + jdbcUrl);
    }
    if (user == null || user.isBlank()) {
      throw new InvalidArgumentException("a PostgreSQL user is required");
    }
    password = password == null ? "" : password;
    if (poolSize < 1 || poolSize > 1000) {
      throw new InvalidArgumentException("the pool size must be between 1 and 1000");
    }
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new InvalidArgumentException("the poll interval must be positive");
    }
    if (schema != null && !schema.matches("[a-z_][a-z0-9_]{0,54}")) {
      throw new InvalidArgumentException(
          "a schema name is 1 to 55 characters of a-z, 0-9 and _, not starting with a digit");
    }
  }

  public PostgresConfig(
      String jdbcUrl, String user, String password, int poolSize, Duration pollInterval) {
    this(jdbcUrl, user, password, poolSize, pollInterval, null);
  }

  public static PostgresConfig of(String jdbcUrl, String user, String password) {
    return new PostgresConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_POLL_INTERVAL);
  }

  public PostgresConfig withPoolSize(int size) {
    return new PostgresConfig(jdbcUrl, user, password, size, pollInterval, schema);
  }

  public PostgresConfig withPollInterval(Duration interval) {
    return new PostgresConfig(jdbcUrl, user, password, poolSize, interval, schema);
  }

  /** The same database, the store in {@code schema} (which must exist: see {@link #schema}). */
  public PostgresConfig withSchema(String schema) {
    return new PostgresConfig(jdbcUrl, user, password, poolSize, pollInterval, schema);
  }

  /** The URL with the password left out, for messages. */
  @Override
  public String toString() {
    return jdbcUrl + (schema == null ? "" : " schema " + schema) + " as " + user;
  }
}
