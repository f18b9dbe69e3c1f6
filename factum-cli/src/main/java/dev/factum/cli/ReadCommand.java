package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.api.Direction;
import dev.factum.api.EventStore;
import dev.factum.api.LogFilter;
import dev.factum.wire.ReadPageJson;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.util.Set;

/** {@code factum read}: prints a stream's (or the log's) events as NDJSON, following pages. */
final class ReadCommand implements Factum.Command {
  @Override
  public String summary() {
    return "print the events of a stream or of the global log";
  }

  @Override
  public String usage() {
    return """
        Usage: factum read STREAM [options]
               factum read --all [options]

        Prints events as NDJSON, one event per line, following pages to the end.

          --from N        first revision (stream) or position (--all)
          --backward      newest first
          --limit N       stop after N events (default: all)
          %s
        """
            .formatted(LogFilterArgs.HELP)
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of("from", "limit", "category", "type", "tag", "query", "url", "cacert", "api-key"),
            Set.of("all", "backward"),
            Set.of("category", "type", "tag"));
    boolean all = args.flag("all");
    if (all != args.positional().isEmpty() || args.positional().size() > 1) {
      throw new Args.UsageException("give one STREAM, or --all");
    }
    long max = args.number("limit", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    Direction direction = args.flag("backward") ? Direction.BACKWARD : Direction.FORWARD;
    int limit = (int) Math.min(max, 1000);
    long from =
        args.get("from") != null
            ? args.number("from", 0, 0, Long.MAX_VALUE - 1)
            : direction == Direction.FORWARD ? 0 : EventStore.END;
    LogFilter filter = LogFilterArgs.filter(args, all);
    String stream = all ? null : args.positional().getFirst();
    long printed = 0;
    try (Remote remote = new Remote(args)) {
      Long next = from;
      while (next != null && printed < max) {
        long at = next;
        byte[] body =
            remote.json(
                json ->
                    all
                        ? json.readAll(at, direction, limit, filter)
                        : json.readStream(stream, at, direction, limit));
        JsonNode page = WireJson.mapper().readTree(body);
        for (JsonNode event : page.path("events")) {
          if (printed++ >= max) {
            break;
          }
          out.println(WireJson.mapper().writeValueAsString(event));
        }
        next = ReadPageJson.continuesAt(page);
      }
    }
    return 0;
  }
}
