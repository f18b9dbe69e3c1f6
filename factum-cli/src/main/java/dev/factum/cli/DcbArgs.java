package dev.factum.cli;

import dev.factum.api.AppendCondition;
import dev.factum.api.InvalidArgumentException;
import dev.factum.api.Query;
import dev.factum.wire.QueryJson;
import dev.factum.wire.WireJson;
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
      return QueryJson.read(WireJson.mapper().readTree(given[0]), option);
    } catch (IOException e) {
      throw new Args.UsageException(option + " is not valid JSON: " + given[0]);
    } catch (InvalidArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }

  /** The append's condition, or null when none is asked for. */
  static AppendCondition condition(Args args) {
    String query = args.get("fail-if-events-match");
    String after = args.get("after");
    if (query == null) {
      if (after != null) {
        throw new Args.UsageException("--after belongs to --fail-if-events-match");
      }
      return null;
    }
    AppendCondition condition =
        AppendCondition.failIfEventsMatch(query(new String[] {query}, "--fail-if-events-match"));
    if (after == null) {
      return condition;
    }
    if (after.isEmpty() || after.length() > 18 || !after.chars().allMatch(Character::isDigit)) {
      throw new Args.UsageException("--after must be a position (a whole number >= 0)");
    }
    return condition.after(Long.parseLong(after));
  }
}
