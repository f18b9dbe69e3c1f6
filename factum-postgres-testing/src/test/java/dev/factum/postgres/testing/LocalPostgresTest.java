package dev.factum.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {

  @Test
  void privateServerIsDurableSurvivesSigkillAndIsGoneAfterClose() throws SQLException {
    String url;
    try (LocalPostgres pg = LocalPostgres.startPrivate()) {
      url = pg.createDatabase("local_pg_test");
      try (Connection c = pg.connect(url);
          Statement s = c.createStatement()) {
        assertThat(show(s, "fsync")).isEqualTo("on");
        assertThat(show(s, "synchronous_commit")).isEqualTo("on");
        s.execute("CREATE TABLE t (v int)");
        s.execute("INSERT INTO t VALUES (42)");
      }

      pg.kill();
      assertThatThrownBy(() -> pg.connect(url).close()).isInstanceOf(SQLException.class);
      pg.restart();

      try (Connection c = pg.connect(url);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT v FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42); // committed before the crash: still there
      }
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
        .isInstanceOf(SQLException.class);
  }

  private static String show(Statement s, String setting) throws SQLException {
    try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
