package dev.factum.cli;

import dev.factum.api.ExpectedRevision;
import dev.factum.api.StreamState;
import dev.factum.wire.StreamStateJson;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code factum delete}: soft-deletes a stream (its events are hidden, it can be written again,
 * numbering continues) or, with {@code --tombstone}, deletes it for ever.
 */
final class DeleteCommand implements Factum.Command {
  @Override
  public String summary() {
    return "delete a stream: soft (can be recreated) or --tombstone (for ever)";
  }

  @Override
  public String usage() {
    return """
        Usage: factum delete STREAM --expected-revision REV [--tombstone] [--url URL]

        Soft-deletes STREAM: reads of it answer not found, a later append recreates it and its
        revisions continue after the last one. With --tombstone it can never be read or written
        again. Prints the stream's state afterwards as JSON.

          --expected-revision REV  required: the stream's last revision, or any, exists,
                                   no_stream (a conflict exits 1 and deletes nothing)
          --tombstone              delete for ever
        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv, 1, Set.of("expected-revision", "url", "cacert", "api-key"), Set.of("tombstone"));
    if (args.positional().size() != 1) {
      throw new Args.UsageException("give exactly one STREAM");
    }
    String expected = args.get("expected-revision");
    if (expected == null) {
      throw new Args.UsageException(
          "--expected-revision is required: a revision, any, exists or no_stream");
    }
    String stream = args.positional().getFirst();
    ExpectedRevision revision = ExpectedRevision.parse(expected);
    boolean tombstone = args.flag("tombstone");
    try (Remote remote = new Remote(args)) {
      StreamState state =
          remote.call(
              client ->
                  tombstone ? client.tombstone(stream, revision) : client.delete(stream, revision));
      out.println(JsonText.object(json -> StreamStateJson.write(json, state)));
    }
    return 0;
  }
}
