package dev.factum.cli;

import dev.factum.api.FactumException;
import dev.factum.api.LogFilter;
import dev.factum.api.SubscriptionRequest;
import dev.factum.client.EventFeed;
import dev.factum.client.FactumClient;
import java.io.PrintStream;
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
            Set.of("from", "category", "type", "tag", "query", "count", "url", "cacert", "api-key"),
            Set.of(),
            Set.of("category", "type", "tag"));
    if (args.positional().size() > 1) {
      throw new Args.UsageException("give at most one STREAM");
    }
    String stream = args.positional().isEmpty() ? null : args.positional().getFirst();
    LogFilter filter = LogFilterArgs.filter(args, stream == null);
    long count = args.number("count", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    try (Remote remote = new Remote(args)) {
      long from;
      if (args.get("from") != null) {
        from = args.number("from", 0, 0, Long.MAX_VALUE - 1);
      } else if (stream != null) {
        from = remote.call(client -> client.streamState(stream)).lastRevision() + 1;
      } else {
        from = remote.call(FactumClient::headPosition) + 1;
      }
      SubscriptionRequest request =
          (stream != null
                  ? SubscriptionRequest.toStream(stream)
                  : SubscriptionRequest.toAll(filter))
              .from(from);
      try (EventFeed feed = remote.json(json -> json.feed(request))) {
        long printed = 0;
        String event;
        while (printed < count && (event = next(feed, remote)) != null) {
          out.println(event);
          out.flush();
          printed++;
        }
      }
    }
    return 0;
  }

  private static String next(EventFeed feed, Remote remote) throws InterruptedException {
    try {
      return feed.next();
    } catch (FactumException e) {
      throw new Factum.CommandFailure("the feed ended: " + remote.failure(e).getMessage());
    }
  }
}
