package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.Query;
import dev.factum.wire.QueryJson;
import java.io.IOException;

/**
 * DCB queries and conditions on the command line: {@code --query JSON} for reads, {@code
 * --fail-if-events-match JSON [--after N]} for appends. The JSON is checked here with the one query
 * reader ({@link QueryJson}), so a typo is a usage error before anything is sent.
 */
final class DcbArgs {
  private DcbArgs() {}

  static Query query(String[] given, String option) {
    if (given.length != 1) {
      throw new Args.UsageException(option + " is given once");
    }
    try {
      return QueryJson.read(Http.JSON.readTree(given[0]), option);
    } catch (IOException e) {
      throw new Args.UsageException(option + " is not valid JSON: " + given[0]);
    } catch (InvalidArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }

  /** The append body's {@code condition}, or null when none is asked for. */
  static ObjectNode condition(Args args) {
    String query = args.get("fail-if-events-match");
    String after = args.get("after");
    if (query == null) {
      if (after != null) {
        throw new Args.UsageException("--after belongs to --fail-if-events-match");
      }
      return null;
    }
    Query parsed = query(new String[] {query}, "--fail-if-events-match");
    ObjectNode condition = Http.JSON.createObjectNode();
    try {
      JsonNode json = Http.JSON.readTree(QueryJson.write(parsed));
      condition.set("failIfEventsMatch", json);
    } catch (IOException e) {
      throw new IllegalStateException("QueryJson wrote invalid JSON", e);
    }
    if (after != null) {
      if (after.isEmpty() || after.length() > 18 || !after.chars().allMatch(Character::isDigit)) {
        throw new Args.UsageException("--after must be a position (a whole number >= 0)");
      }
      condition.put("after", Long.parseLong(after));
    }
    return condition;
  }
}
