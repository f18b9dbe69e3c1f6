package dev.factum.storage.postgres;

import dev.factum.api.Direction;
import dev.factum.api.LogFilter;
import dev.factum.api.Query;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of one global-log read: unfiltered reads walk the primary key; category and type feeds
 * walk their (value, position) indexes; tag feeds walk {@code factum_event_tags}. Every form is
 * bounded by position on both sides and limited, so a read costs its page, not the log.
 *
 * <p>A Dynamic Consistency Boundary query is the union of one limited sub-select per item: an item
 * with tags walks the {@code (tag, position)} key of its first tag and probes the others (and its
 * types) for each candidate; an item of types only walks the type index. Only positions matching a
 * whole item reach the outer select, which loads the events.
 *
 * @param params what to bind, in order: a {@code String[]} (a text array), a {@code String}, or one
 *     of the markers {@link #FROM}, {@link #MAX}, {@link #LIMIT}
 */
record LogQuery(String sql, List<Object> params) {
  private static final Object FROM = new Object();
  private static final Object MAX = new Object();
  private static final Object LIMIT = new Object();

  static LogQuery of(LogFilter filter, Direction direction) {
    boolean forward = direction == Direction.FORWARD;
    String range = forward ? "position >= ? AND position <= ?" : "position <= ? AND position <= ?";
    String order = " ORDER BY position " + (forward ? "ASC" : "DESC") + " LIMIT ?";
    String select = "SELECT " + EventRows.COLUMNS + " FROM factum_events WHERE ";
    List<Object> params = new ArrayList<>();
    if (filter.kind() == LogFilter.Kind.QUERY) {
      return query(filter.query(), forward, select, order);
    }
    if (!filter.isNone()) {
      params.add(filter.values().toArray(String[]::new));
    }
    params.add(FROM);
    params.add(MAX);
    params.add(LIMIT);
    String sql =
        switch (filter.kind()) {
          case NONE -> select + range + order;
          case CATEGORY -> select + "category = ANY(?) AND " + range + order;
          case TYPE -> select + "type = ANY(?) AND " + range + order;
          case TAG ->
              select
                  + "position IN (SELECT DISTINCT position FROM factum_event_tags WHERE tag ="
                  + " ANY(?) AND "
                  + range
                  + order
                  + ")"
                  + " ORDER BY position "
                  + (forward ? "ASC" : "DESC");
          case QUERY -> throw new IllegalStateException("handled above");
        };
    return new LogQuery(sql, params);
  }

  private static LogQuery query(Query query, boolean forward, String select, String order) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder(select).append("position IN (");
    String cmp = forward ? ">=" : "<=";
    for (int i = 0; i < query.items().size(); i++) {
      Query.Item item = query.items().get(i);
      sql.append(i == 0 ? "(" : " UNION (");
      if (item.tags().isEmpty()) {
        sql.append("SELECT position FROM factum_events WHERE type = ANY(?) AND position ")
            .append(cmp)
            .append(" ? AND position <= ?");
        params.add(item.types().toArray(String[]::new));
      } else {
        List<String> tags = List.copyOf(item.tags());
        sql.append("SELECT t0.position FROM factum_event_tags t0 WHERE t0.tag = ? AND t0.position ")
            .append(cmp)
            .append(" ? AND t0.position <= ?");
        params.add(tags.getFirst());
        params.add(FROM);
        params.add(MAX);
        for (int t = 1; t < tags.size(); t++) {
          sql.append(
              " AND EXISTS (SELECT 1 FROM factum_event_tags tn WHERE tn.tag = ? AND tn.position ="
                  + " t0.position)");
          params.add(tags.get(t));
        }
        if (!item.types().isEmpty()) {
          sql.append(
              " AND EXISTS (SELECT 1 FROM factum_events e WHERE e.position = t0.position AND"
                  + " e.type = ANY(?))");
          params.add(item.types().toArray(String[]::new));
        }
        sql.append(order.replace("position", "t0.position")).append(")");
        params.add(LIMIT);
        continue;
      }
      params.add(FROM);
      params.add(MAX);
      sql.append(order).append(")");
      params.add(LIMIT);
    }
    sql.append(")").append(order);
    params.add(LIMIT);
    return new LogQuery(sql.toString(), List.copyOf(params));
  }

  /** Binds the parameters, with (from, maxPosition, limit) wherever the statement has them. */
  void bind(Connection connection, PreparedStatement statement, long from, long max, int limit)
      throws SQLException {
    int index = 1;
    for (Object param : params) {
      if (param == FROM) {
        statement.setLong(index++, from);
      } else if (param == MAX) {
        statement.setLong(index++, max);
      } else if (param == LIMIT) {
        statement.setInt(index++, limit);
      } else if (param instanceof String[] values) {
        statement.setArray(index++, connection.createArrayOf("text", values));
      } else {
        statement.setString(index++, (String) param);
      }
    }
  }
}
