package dev.factum.storage.postgres;

import dev.factum.api.StorageFailureException;
import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.TenantStorage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Tenants on PostgreSQL: each tenant's store is a schema of its own in the root store's database,
 * {@code factum_<location>} ({@code -} written {@code _}), with its own tables, migrated by the
 * same migrations.
 *
 * <p>What keeps tenants apart though they share a database: every statement is unqualified and
 * resolves through the connection's {@code currentSchema}; the commit lock is the row lock on the
 * schema's own {@code factum_log} row, so tenants' commits never wait for one another; the commit
 * channel is the schema's own ({@link CommitWatcher#CHANNEL_SQL}), so a tenant's commits never wake
 * another's watchers (nor pass a position of one log for another's). Shared: the database's
 * connections and I/O, and the migration lock (taken only while a store opens). A tenant's store
 * has a small reader pool ({@link #POOL_SIZE}), since a server may hold many. Every tenant's store
 * is opened with the root's {@link StoreOptions} (its master key among them).
 */
final class PostgresTenantStorage implements TenantStorage {
  static final int POOL_SIZE = 4;

  private final PostgresConfig root;
  private final StoreOptions options;

  PostgresTenantStorage(PostgresConfig root, StoreOptions options) {
    this.root = root;
    this.options = options;
  }

  /** The schema of a location: {@code factum_} and the location with {@code -} as {@code _}. */
  static String schema(String location) {
    return "factum_" + TenantStorage.checkLocation(location).replace('-', '_');
  }

  private PostgresConfig config(String location) {
    return root.withSchema(schema(location)).withPoolSize(Math.min(POOL_SIZE, root.poolSize()));
  }

  @Override
  public FactumStore create(String location) {
    String schema = schema(location);
    run("creating the schema " + schema, "CREATE SCHEMA \"" + schema + "\"");
    return PostgresEventStore.open(config(location), options);
  }

  @Override
  public FactumStore open(String location) {
    String schema = schema(location);
    try (Connection connection = PostgresStorage.connect(root);
        PreparedStatement exists =
            connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      exists.setString(1, schema);
      try (ResultSet rs = exists.executeQuery()) {
        if (!rs.next()) {
          throw new StorageFailureException("the tenant schema " + schema + " is missing");
        }
      }
    } catch (SQLException e) {
      throw PgErrors.translate("looking for the schema " + schema, e);
    }
    return PostgresEventStore.open(config(location), options);
  }

  @Override
  public void delete(String location) {
    String schema = schema(location);
    run("dropping the schema " + schema, "DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
  }

  private void run(String what, String sql) {
    try (Connection connection = PostgresStorage.connect(root);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw PgErrors.translate(what, e);
    }
  }
}
