package dev.factum.storage.postgres;

import dev.factum.engine.FactumStore;
import dev.factum.engine.StoreOptions;

/** Opens a Factum store on PostgreSQL; many processes may open the same database at once. */
public final class PostgresEventStore {
  private PostgresEventStore() {}

  public static FactumStore open(PostgresConfig config) {
    return open(config, StoreOptions.DEFAULT);
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
