package dev.factum.storage.postgres;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.factum.engine.spi.StorageGauge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What the PostgreSQL storage reports for metrics: the state of its two connection pools (the
 * readers', and the writer's single connection), from Hikari's own pool bean. Reading it never
 * touches the database, so a scrape cannot hang on a database that is down.
 *
 * <p>Design note: Micrometer's Hikari binder would need this module to depend on Micrometer and be
 * handed the server's registry; the engine's {@link StorageGauge} seam keeps the storage free of
 * both, at the price of naming the few numbers here.
 */
final class PoolGauges {
  private PoolGauges() {}

  static List<StorageGauge> of(HikariDataSource readers, HikariDataSource writer) {
    List<StorageGauge> gauges = new ArrayList<>();
    for (var pool : List.of(Map.entry("readers", readers), Map.entry("writer", writer))) {
      String prefix = "pg.pool." + pool.getKey() + ".";
      HikariDataSource source = pool.getValue();
      gauges.add(
          gauge(
              source,
              prefix + "active",
              "Connections in use",
              HikariPoolMXBean::getActiveConnections));
      gauges.add(
          gauge(source, prefix + "idle", "Idle connections", HikariPoolMXBean::getIdleConnections));
      gauges.add(
          gauge(
              source, prefix + "total", "Open connections", HikariPoolMXBean::getTotalConnections));
      gauges.add(
          gauge(
              source,
              prefix + "pending",
              "Threads waiting for a connection",
              HikariPoolMXBean::getThreadsAwaitingConnection));
      gauges.add(
          new StorageGauge(
              prefix + "max",
              "Largest size of the " + pool.getKey() + " pool.",
              null,
              () -> source.getMaximumPoolSize()));
    }
    return List.copyOf(gauges);
  }

  private static StorageGauge gauge(
      HikariDataSource source, String name, String what, ToIntFunction<HikariPoolMXBean> read) {
    String pool = name.split("\\.")[2];
    return new StorageGauge(
        name,
        what + " of the " + pool + " pool.",
        null,
        () -> {
          HikariPoolMXBean bean = source.isClosed() ? null : source.getHikariPoolMXBean();
          return bean == null ? Double.NaN : read.applyAsInt(bean);
        });
  }
}
