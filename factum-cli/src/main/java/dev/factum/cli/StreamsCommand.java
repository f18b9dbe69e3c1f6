package dev.factum.cli;

import dev.factum.api.StreamInfo;
import dev.factum.api.StreamPage;
import dev.factum.api.StreamQuery;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/**
 * {@code factum streams}: lists streams by prefix and/or category, one line each, following pages
 * to the end unless {@code --limit} asks for one page (then the cursor of the next is printed to
 * stderr, to pass as {@code --after}).
 */
final class StreamsCommand implements Factum.Command {
  private static final int PAGE = 1_000;

  @Override
  public String summary() {
    return "list streams by prefix and/or category, with status and event counts";
  }

  @Override
  public String usage() {
    return """
        Usage: factum streams [--prefix P] [--category C] [--after NAME] [--limit N] [--system]
                              [--url URL]

        Prints one line per stream, in the byte order of their names, tab-separated:
          name  status (active, deleted, tombstoned)  last revision (- for none)
          events readable now  global position of its last event (- for none)

          --prefix P      only streams whose name starts with P
          --category C    only streams of category C (named C, or starting with C-)
          --after NAME    start after this stream name (the cursor of a previous page)
          --limit N       print one page of at most N streams (default: every stream)
          --system        list the system streams ($...) too (an unscoped admin key only)
        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of("url", "cacert", "api-key", "prefix", "category", "after", "limit"),
            Set.of("system"));
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("takes no positional arguments");
    }
    boolean onePage = args.get("limit") != null;
    int limit = (int) args.number("limit", PAGE, 1, 10_000);
    StreamQuery query =
        new StreamQuery(
            args.get("prefix"),
            args.get("category"),
            args.get("after"),
            limit,
            args.flag("system"));
    try (Remote remote = new Remote(args)) {
      while (true) {
        StreamQuery page = query;
        StreamPage result = remote.call(client -> client.listStreams(page));
        for (StreamInfo stream : result.streams()) {
          out.println(line(stream));
        }
        if (result.next() == null) {
          return 0;
        }
        if (onePage) {
          err.println("more after: " + result.next() + " (pass --after to continue)");
          return 0;
        }
        query = query.after(result.next());
      }
    }
  }

  private static String line(StreamInfo stream) {
    return String.join(
        "\t",
        stream.stream(),
        stream.status().name().toLowerCase(Locale.ROOT),
        stream.lastRevision() < 0 ? "-" : Long.toString(stream.lastRevision()),
        Long.toString(stream.eventCount()),
        stream.lastPosition() < 0 ? "-" : Long.toString(stream.lastPosition()));
  }
}
