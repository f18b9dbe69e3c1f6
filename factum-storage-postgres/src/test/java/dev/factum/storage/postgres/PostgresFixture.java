package dev.factum.storage.postgres;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.postgres.testing.LocalPostgres;
import dev.factum.tck.StoreFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * An empty store on the test run's PostgreSQL server for each test: one database per test JVM,
 * whose schema is dropped and recreated for every fixture (much cheaper than a database per test,
 * and it runs the schema migration every time).
 */
final class PostgresFixture implements StoreFixture {
  private static String databaseUrl;

  private final PostgresConfig config;

  PostgresFixture() {
    LocalPostgres postgres = LocalPostgres.shared();
    String url = database(postgres);
    try (Connection connection = postgres.connect(url);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
      statement.execute("CREATE SCHEMA public");
    } catch (SQLException e) {
      throw new IllegalStateException("could not reset the test database", e);
    }
    this.config =
        PostgresConfig.of(url, postgres.user(), postgres.password())
            .withPoolSize(4)
            .withPollInterval(Duration.ofMillis(100));
  }

  private static synchronized String database(LocalPostgres postgres) {
    if (databaseUrl == null) {
      databaseUrl = postgres.createDatabase("factum_tck");
    }
    return databaseUrl;
  }

  PostgresConfig config() {
    return config;
  }

  @Override
  public FactumStore open(StoreOptions options) {
    return PostgresEventStore.open(config, options);
  }

  @Override
  public void close() {
    // The next fixture resets the schema; the run deletes the server's data at its end.
  }
}
