package dev.factum.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.engine.FactumStore;
import dev.factum.postgres.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A page of the PostgreSQL stream listing is one range scan of the {@code COLLATE "C"} index of
 * schema version 4, never a scan of {@code factum_streams}: the planner's plan for a page after a
 * cursor, with and without a prefix, over 3,000 streams, names the index and no sequential scan
 * (without the index, or with a comparison in another collation, the plan is a Seq Scan and a
 * sort). Also checks the prefix's upper bound, which is what lets the index bound the range.
 */
class PostgresStreamListingPlanTest {

  @Test
  void aPageIsAnIndexRangeScan() throws Exception {
    PostgresFixture fixture = new PostgresFixture();
    try (FactumStore store = fixture.open()) {
      List<AppendRequest> batch = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        batch.add(
            new AppendRequest(
                String.format("c%d-%05d", i % 3, i),
                ExpectedRevision.noStream(),
                List.of(EventData.json("T", "{}"))));
        if (batch.size() == 1_000) {
          store.appendAll(batch);
          batch = new ArrayList<>();
        }
      }
    }
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl())) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("ANALYZE factum_streams");
      }
      for (String[] page : new String[][] {{"", "c1-01000"}, {"c2-", "c2-00500"}, {"c0-0", null}}) {
        String plan = plan(connection, page[0], page[1]);
        assertThat(plan).as(plan).contains("factum_streams_by_name").doesNotContain("Seq Scan");
      }
    }
    assertThat(StreamListingQuery.upperBound("ab")).isEqualTo("ac");
    assertThat(StreamListingQuery.upperBound("a\uD7FF")).isEqualTo("a\uE000");
    assertThat(StreamListingQuery.upperBound("a" + Character.toString(0x10FFFF))).isEqualTo("b");
    assertThat(StreamListingQuery.upperBound(Character.toString(0x10FFFF))).isNull();
  }

  private static String plan(Connection connection, String prefix, String after) throws Exception {
    try (PreparedStatement explain =
        connection.prepareStatement("EXPLAIN " + StreamListingQuery.sql(prefix, after))) {
      StreamListingQuery.bind(explain, prefix, after, 6);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = explain.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }
}
