package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
          --url URL       server address (env FACTUM_URL, default http://127.0.0.1:7117)
          --cacert PEM    CA certificate(s) to trust for an https:// URL (env FACTUM_CACERT)
          --api-key KEY   API key for a server with auth on (env FACTUM_API_KEY)"""
        .formatted(LogFilterArgs.HELP);
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
    String direction = args.flag("backward") ? "backward" : "forward";
    StringBuilder path =
        new StringBuilder(all ? "/all" : "/streams/" + Http.segment(args.positional().getFirst()));
    path.append("?direction=").append(direction).append("&limit=").append(Math.min(max, 1000));
    if (args.get("from") != null) {
      path.append("&from=").append(args.number("from", 0, 0, Long.MAX_VALUE - 1));
    }
    path.append(LogFilterArgs.query(args, all));
    Http http = new Http(args);
    String next = path.toString();
    long printed = 0;
    while (next != null && printed < max) {
      JsonNode page = http.get(next);
      for (JsonNode event : page.get("events")) {
        if (printed++ >= max) {
          break;
        }
        out.println(Http.JSON.writeValueAsString(event));
      }
      next = page.get("endOfRead").asBoolean() ? null : page.get("next").asText();
    }
    return 0;
  }
}
