package dev.factum.cli;

import dev.factum.api.LogFilter;
import java.util.List;

/**
 * The global log's filters as command-line options: {@code --category}, {@code --type} or {@code
 * --tag}, each repeatable (an event matches any of the values), or one {@code --query} (DCB query
 * JSON), one kind at a time, as the API accepts them. Stream reads take no filter, and saying one
 * is an error rather than ignored.
 */
final class LogFilterArgs {
  static final List<String> NAMES = List.of("category", "type", "tag", "query");

  /** Lines for a command's usage, without the trailing newline. */
  static final String HELP =
      String.join(
          "\n",
          "--category C    global log: only streams of category C (the name before the first '-')",
          "  --type T        global log: only events of type T",
          "  --tag TAG       global log: only events tagged TAG",
          "                  (each repeatable: an event matches any value; one kind at a time)",
          "  --query JSON    global log: only events matching a DCB query, e.g.",
          "                  '{\"items\":[{\"types\":[\"A\"],\"tags\":[\"t:1\"]}]}' (docs/DCB.md)");

  private LogFilterArgs() {}

  /** The filter given ({@link LogFilter#none()} for none). */
  static LogFilter filter(Args args, boolean globalLog) {
    LogFilter filter = LogFilter.none();
    String kind = null;
    for (String name : NAMES) {
      List<String> values = args.all(name);
      if (values.isEmpty()) {
        continue;
      }
      if (!globalLog) {
        throw new Args.UsageException("--" + name + " filters the global log, not a stream");
      }
      if (kind != null) {
        throw new Args.UsageException(
            "filter by one of --category, --type or --tag (each may repeat) or --query, not --"
                + kind
                + " and --"
                + name);
      }
      kind = name;
      String[] given = values.toArray(String[]::new);
      filter =
          switch (name) {
            case "category" -> LogFilter.categories(given);
            case "type" -> LogFilter.types(given);
            case "query" -> LogFilter.query(DcbArgs.query(given, "--query"));
            default -> LogFilter.tags(given);
          };
    }
    return filter;
  }
}
