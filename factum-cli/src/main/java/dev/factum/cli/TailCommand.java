package dev.factum.cli;

import dev.factum.wire.SseParser;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;

/** {@code factum tail}: follows a stream or the global log live, printing events as NDJSON. */
final class TailCommand implements Factum.Command {
  @Override
  public String summary() {
    return "follow a stream or the global log live";
  }

  @Override
  public String usage() {
    return """
        Usage: factum tail [STREAM] [options]

        Prints each event as NDJSON as it is committed, until interrupted. Without STREAM,
        follows the global log. Starts at the end unless --from is given.

          --from N        first revision (STREAM) or position (global log)
          %s
          --count N       exit after N events
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
            Set.of("from", "category", "type", "tag", "query", "count", "url", "cacert", "api-key"),
            Set.of(),
            Set.of("category", "type", "tag"));
    if (args.positional().size() > 1) {
      throw new Args.UsageException("give at most one STREAM");
    }
    Http http = new Http(args);
    boolean stream = !args.positional().isEmpty();
    long from;
    if (args.get("from") != null) {
      from = args.number("from", 0, 0, Long.MAX_VALUE - 1);
    } else if (stream) {
      var state = http.get("/streams/" + Http.segment(args.positional().getFirst()) + "/state");
      from = state.get("lastRevision").isNull() ? 0 : state.get("lastRevision").asLong() + 1;
    } else {
      from = http.get("/").get("headPosition").asLong() + 1;
    }
    StringBuilder path =
        new StringBuilder(
            stream
                ? "/streams/" + Http.segment(args.positional().getFirst()) + "/events"
                : "/all/events");
    path.append("?from=").append(from);
    path.append(LogFilterArgs.query(args, !stream));
    long count = args.number("count", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    long printed = 0;
    try (InputStream events = http.stream(path.toString())) {
      SseParser parser = new SseParser();
      byte[] chunk = new byte[8192];
      int read;
      while (printed < count && (read = events.read(chunk)) != -1) {
        for (SseParser.Frame frame : parser.feed(Arrays.copyOf(chunk, read))) {
          if ("error".equals(frame.event())) {
            throw new Factum.CommandFailure("the feed ended: " + frame.data());
          }
          if (frame.event() == null && !frame.data().isEmpty() && printed < count) {
            out.println(frame.data());
            out.flush();
            printed++;
          }
        }
      }
    }
    return 0;
  }
}
