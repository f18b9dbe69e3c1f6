package dev.factum.storage.postgres;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;
import dev.factum.engine.TenantStorage;

/** Opens a Factum store on PostgreSQL; many processes may open the same database at once. */
public final class PostgresEventStore {
  private PostgresEventStore() {}

  public static FactumStore open(PostgresConfig config) {
    return open(config, StoreOptions.DEFAULT);
  }

  /**
   * The tenants of the store {@code config} names: one schema each in the same database (see {@code
   * PostgresTenantStorage}); the root store stays in {@code config}'s own schema.
   */
  public static TenantStorage tenants(PostgresConfig config) {
    return tenants(config, StoreOptions.DEFAULT);
  }

  /**
   * As {@link #tenants(PostgresConfig)}, each tenant's store opened with {@code options}: the
   * root's master key among them, so a tenant's events about data subjects are sealed and opened
   * (and its store refuses a wrong master key at open) exactly as the root's.
   */
  public static TenantStorage tenants(PostgresConfig config, StoreOptions options) {
    return new PostgresTenantStorage(config, options);
  }

  public static FactumStore open(PostgresConfig config, StoreOptions options) {
    PostgresStorage storage = PostgresStorage.open(config);
    try {
      return FactumStore.open(storage, options);
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
  }
}
