package dev.factum.cli;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code factum forget}: forgets a data subject (crypto-shredding, docs/LIFECYCLE.md): the server
 * destroys the subject's key, and every read from then on shows the subject's events redacted.
 */
final class ForgetCommand implements Factum.Command {
  @Override
  public String summary() {
    return "forget a data subject: its events' data is redacted everywhere, for good";
  }

  @Override
  public String usage() {
    return """
        Usage: factum forget SUBJECT [--url URL] [--api-key KEY]

        Destroys the key SUBJECT's events are encrypted under (an admin key is needed). Their
        data and metadata read as redacted from then on, on every path; their ids, types,
        streams, revisions, positions and tags stay. Cannot be undone. A subject the store holds
        no key for (never used, or forgotten already) exits 1 with subject-not-found. Backups
        taken before still hold the key: expire them.

        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Remote.OPTIONS, Set.of());
    if (args.positional().size() != 1) {
      throw new Args.UsageException("give exactly one SUBJECT");
    }
    String subject = args.positional().getFirst();
    try (Remote remote = new Remote(args)) {
      remote.call(
          client -> {
            client.forget(subject);
            return null;
          });
      out.println(
          JsonText.object(
              json -> {
                json.writeStringField("subject", subject);
                json.writeBooleanField("forgotten", true);
              }));
    }
    return 0;
  }
}
