package dev.factum.storage.postgres;

import dev.factum.api.FactumException;
import dev.factum.api.OverloadedException;
import dev.factum.api.StorageFailureException;
import dev.factum.api.StorageFullException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Turns what PostgreSQL and the driver report into Factum's typed exceptions, with a message that
 * says what to do. One place, so every path reports the same failure the same way.
 */
final class PgErrors {
  private PgErrors() {}

  /** A failure while serving a request. */
  static FactumException translate(String doing, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("53100")) {
      return new StorageFullException("PostgreSQL's disk is full while " + doing, e);
    }
    if (e instanceof SQLTransientConnectionException) {
      return new OverloadedException(
          "no PostgreSQL connection was free in time while " + doing + "; retry shortly");
    }
    return new StorageFailureException(
        "PostgreSQL failed while " + doing + ": " + e.getMessage() + " (SQLSTATE " + state + ")",
        e);
  }

  /** A failure at start-up, explained for the operator. */
  static StorageFailureException atStart(PostgresConfig config, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String advice =
        switch (state) {
          case "3D000" -> "the database does not exist: create it first (CREATE DATABASE ...)";
          case "28P01", "28000" -> "the user or password was refused";
          case "42501", "3F000" ->
              "the user lacks privileges: it needs CREATE on the schema for the first start"
                  + " (or an already migrated schema) and SELECT/INSERT/UPDATE on Factum's tables";
          case "08001", "08004", "08006" ->
              "no PostgreSQL server answers there (is it running, and is the host and port right?)";
          default -> "";
        };
    return new StorageFailureException(
        "cannot use PostgreSQL at "
            + config
            + ": "
            + (advice.isEmpty() ? "" : advice + " — ")
            + e.getMessage()
            + " (SQLSTATE "
            + state
            + ")",
        e);
  }
}
