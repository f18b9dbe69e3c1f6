package dev.factum.cli;

import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.util.Set;

/** {@code factum state}: prints what the store knows of one stream, as JSON. */
final class StateCommand implements Factum.Command {
  @Override
  public String summary() {
    return "print a stream's state: status, last revision and position, first visible revision";
  }

  @Override
  public String usage() {
    return """
        Usage: factum state STREAM [--url URL]

        Prints the state of STREAM as one JSON object:
          status                active, deleted (soft), tombstoned, or none (never written)
          lastRevision          revision of its last event (null: none); numbering continues
                                from it after a soft delete
          lastPosition          global position of that event (null: none)
          firstVisibleRevision  revisions below it are hidden by a soft delete or by the
                                stream's metadata (factum metadata): maxCount, maxAge,
                                truncateBefore

        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Remote.OPTIONS, Set.of());
    if (args.positional().size() != 1) {
      throw new Args.UsageException("give exactly one STREAM");
    }
    String stream = args.positional().getFirst();
    try (Remote remote = new Remote(args)) {
      byte[] state = remote.json(json -> json.streamState(stream));
      out.println(WireJson.mapper().readTree(state));
    }
    return 0;
  }
}
