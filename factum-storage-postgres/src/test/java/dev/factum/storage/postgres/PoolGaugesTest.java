package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.engine.spi.StorageGauge;
import dev.factum.tck.Await;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL storage reports its pools for metrics, from a real database, without querying it
 * (so a scrape cannot hang on a database that is down), and NaN once closed.
 */
class PoolGaugesTest {
  private static Map<String, Double> read(PostgresStorage storage) {
    return storage.gauges().stream()
        .collect(Collectors.toMap(StorageGauge::name, g -> g.value().getAsDouble()));
  }

  @Test
  void poolGaugesFollowConnectionsInUse() throws Exception {
    PostgresConfig config = new PostgresFixture().config().withPoolSize(3);
    PostgresStorage storage = PostgresStorage.open(config);
    try {
      assertThat(read(storage))
          .containsEntry("pg.pool.readers.max", 3.0)
          .containsEntry("pg.pool.writer.max", 1.0)
          .containsKeys(
              "pg.pool.readers.active",
              "pg.pool.readers.idle",
              "pg.pool.readers.total",
              "pg.pool.readers.pending",
              "pg.pool.writer.active");
      Await.until(
          "the readers' pool to open its minimum",
          Duration.ofSeconds(30),
          () -> read(storage).get("pg.pool.readers.total") >= 1);
      assertThat(read(storage).get("pg.pool.readers.active")).isZero();
      assertThat(storage.lastPosition()).isEqualTo(-1);
      assertThat(read(storage).get("pg.pool.readers.active")).isZero();
    } finally {
      storage.close();
    }
    assertThat(read(storage).get("pg.pool.readers.active")).isNaN();
  }
}
