package dev.factum.storage.postgres;

import static dev.factum.api.ExpectedRevision.any;
import static org.assertj.core.api.Assertions.assertThat;

import dev.factum.api.AppendRequest;
import dev.factum.api.ChainAnchor;
import dev.factum.api.ChainHead;
import dev.factum.api.EventData;
import dev.factum.engine.FactumStore;
import dev.factum.engine.spi.HashChain;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.postgres.testing.LocalPostgres;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The tamper-evident log on PostgreSQL (docs/LIFECYCLE.md, "Tamper evidence"): damage is made with
 * plain SQL behind Factum's back, and {@code verify} must name where the chain breaks.
 */
class PostgresChainTest {
  private final PostgresFixture fixture = new PostgresFixture();

  /** Four commit batches of 1, 3, 1 and 5 events: positions 0..9. */
  private ChainHead writeBatches(FactumStore store) {
    int i = 0;
    for (int size : new int[] {1, 3, 1, 5}) {
      List<AppendRequest> appends = new ArrayList<>();
      for (int k = 0; k < size; k++, i++) {
        appends.add(
            new AppendRequest(
                "order-" + i % 3,
                any(),
                List.of(
                    EventData.json("Placed", "{\"i\":" + i + "}")
                        .withTags(i % 2 == 0 ? Set.of("a", "b", "c") : Set.of()))));
      }
      store.appendAll(appends);
    }
    ChainHead head = store.chainHead();
    assertThat(head.position()).isEqualTo(9);
    return head;
  }

  private void sql(String... statements) throws SQLException {
    try (Connection connection = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String text : statements) {
        statement.execute(text);
      }
    }
  }

  @Test
  void aCleanStoreVerifiesAndItsHeadIsOnTheLogRow() throws Exception {
    try (FactumStore store = fixture.open()) {
      ChainHead head = writeBatches(store);
      VerifyReport report = store.verify(head.anchor());
      assertThat(report.ok()).as("%s", report).isTrue();
      assertThat(report.chain().head()).isEqualTo(head);
      try (FactumStore other = fixture.open()) { // a second server continues the same chain
        other.append("order-7", any(), List.of(EventData.json("Paid", "{}")));
        assertThat(store.chainHead()).isEqualTo(other.chainHead());
      }
      assertThat(store.verify(head.anchor()).ok()).isTrue();
    }
  }

  @Test
  void anEventRowUpdatedThroughSqlIsNamedByItsPosition() throws Exception {
    try (FactumStore store = fixture.open()) {
      writeBatches(store);
      sql("UPDATE factum_events SET data = convert_to('{\"i\":99}', 'UTF8') WHERE position = 6");
      VerifyReport report = store.verify();
      assertThat(report.chain().firstBreak()).isEqualTo(6);
      assertThat(report.problems())
          .containsExactly(
              "the event at position 6 was changed after it was committed: its stored bytes are"
                  + " not the ones chained");
      // any stored column counts, the tags' order too
      sql(
          "UPDATE factum_events SET data = convert_to('{\"i\":6}', 'UTF8') WHERE position = 6",
          "UPDATE factum_events SET tags = ARRAY(SELECT t FROM unnest(tags) WITH ORDINALITY"
              + " AS u(t, o) ORDER BY o DESC) WHERE position = 2");
      assertThat(store.verify().problems())
          .containsExactly(
              "the event at position 2 was changed after it was committed: its stored bytes are"
                  + " not the ones chained");
    }
  }

  @Test
  void anAlteredChainRowIsNamedByItsBatch() throws Exception {
    try (FactumStore store = fixture.open()) {
      writeBatches(store);
      sql(
          "UPDATE factum_chain SET chain = sha256(chain) WHERE last_position = 3",
          "DELETE FROM factum_chain WHERE last_position = 4");
      VerifyReport report = store.verify();
      assertThat(report.chain().firstBreak()).isEqualTo(1);
      assertThat(report.problems())
          .containsExactly(
              "the chain record of batch [1..3] was altered: its chain value is not the hash of"
                  + " the chain before it and its digests",
              "position 4 has no chain record: a chain record is missing");
    }
  }

  /**
   * Without an anchor, whoever rewrites an event and recomputes the chain rows after it leaves a
   * consistent chain; an anchor taken before catches it.
   */
  @Test
  void aDatabaseRechainedAfterARewriteFailsAnAnchorTakenBefore() throws Exception {
    try (FactumStore store = fixture.open()) {
      ChainHead before = writeBatches(store);
      sql("UPDATE factum_events SET data = convert_to('{\"i\":42}', 'UTF8') WHERE position = 2");
      rechain();
      assertThat(store.verify().ok()).as("%s", store.verify()).isTrue();
      VerifyReport anchored = store.verify(before.anchor());
      assertThat(anchored.ok()).isFalse();
      assertThat(anchored.chain().firstBreak()).isEqualTo(9);
      assertThat(anchored.problems().getFirst())
          .startsWith("the chain at position 9 is ")
          .endsWith("was rewritten and re-chained");
    }
  }

  /** A database migrated from schema 4 is chained from its next position. */
  @Test
  void aSchemaFourDatabaseIsChainedFromWhereTheMigrationFoundIt() throws Exception {
    try (FactumStore store = fixture.open()) {
      writeBatches(store);
    }
    sql(
        "DROP TABLE factum_chain",
        "ALTER TABLE factum_log DROP COLUMN chain_start, DROP COLUMN chain_head",
        "DELETE FROM factum_schema_history WHERE version = 5");
    try (FactumStore store = fixture.open()) {
      assertThat(store.chainHead()).isEqualTo(new ChainHead(9, ChainHead.GENESIS, 10));
      store.append("order-1", any(), List.of(EventData.json("Paid", "{}")));
      VerifyReport report = store.verify();
      assertThat(report.ok()).as("%s", report).isTrue();
      assertThat(report.toString()).contains("(not chained before 10)");
      assertThat(store.verify(new ChainAnchor(3, ChainHead.GENESIS)).problems())
          .containsExactly("the anchor at 3 is before the chain starts at 10");
    }
  }

  /** Recomputes every chain row and the head from the stored rows, as an attacker could. */
  private void rechain() throws SQLException {
    HashChain hashes = new HashChain();
    byte[] value = HashChain.genesis();
    try (Connection c = LocalPostgres.shared().connect(fixture.config().jdbcUrl());
        Statement batches = c.createStatement();
        ResultSet rows =
            batches.executeQuery(
                "SELECT last_position, first_position FROM factum_chain ORDER BY last_position");
        PreparedStatement events =
            c.prepareStatement(
                "SELECT "
                    + PgEventDigest.COLUMNS
                    + " FROM factum_events WHERE position BETWEEN ? AND ? ORDER BY position");
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE factum_chain SET chain = ?, digests = ? WHERE last_position = ?")) {
      while (rows.next()) {
        events.setLong(1, rows.getLong(2));
        events.setLong(2, rows.getLong(1));
        ByteArrayOutputStream digests = new ByteArrayOutputStream();
        try (ResultSet rs = events.executeQuery()) {
          while (rs.next()) {
            byte[] digest = hashes.digest(PgEventDigest.encode(rs));
            digests.writeBytes(digest);
            value = hashes.next(value, digest);
          }
        }
        update.setBytes(1, value);
        update.setBytes(2, digests.toByteArray());
        update.setLong(3, rows.getLong(1));
        update.executeUpdate();
      }
      try (PreparedStatement head = c.prepareStatement("UPDATE factum_log SET chain_head = ?")) {
        head.setBytes(1, value);
        head.executeUpdate();
      }
    }
  }
}
