package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code factum reactions list|definitions|execute|delete}: the reactions of a running server's
 * Serialized-compatible layer ({@code /serialized/reactions}, docs/SERIALIZED.md "Reactions"),
 * through the client's JSON-as-it-is side; the answer is printed as indented JSON.
 */
final class ReactionsCommand implements Factum.Command {
  private static final Map<String, Integer> OPERANDS =
      Subcommand.operandCounts("list definitions execute:1 delete:1");

  @Override
  public String summary() {
    return "list reactions and their definitions; execute or delete a scheduled reaction";
  }

  @Override
  public String usage() {
    return """
        Usage: factum reactions list [--status S]
               factum reactions definitions
               factum reactions execute|delete ID

        The reactions of the Serialized-compatible layer (docs/SERIALIZED.md): list them (of
        one status: SCHEDULED, READY, ONGOING, COMPLETED, CANCELED or FAILED), list their
        definitions (an admin key), run a scheduled one now or drop it (a writer key).

        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("status", "url", "cacert", "api-key"), Set.of());
    Subcommand subcommand = Subcommand.of(args, "reactions", OPERANDS, List.of("a reaction id"));
    String action = subcommand.name();
    if (args.get("status") != null && !action.equals("list")) {
      throw new Args.UsageException("--status goes with list");
    }
    String id = subcommand.first();
    ObjectMapper json = WireJson.mapper();
    try (Remote remote = new Remote(args)) {
      byte[] answer =
          remote.json(
              api ->
                  switch (action) {
                    case "list" -> api.serializedReactions(args.get("status"));
                    case "definitions" -> api.serializedReactionDefinitions();
                    case "execute" -> api.executeSerializedReaction(id);
                    default -> api.deleteSerializedReaction(id);
                  });
      Object printed =
          answer.length == 0
              ? json.createObjectNode().put(action.equals("execute") ? "executed" : "deleted", id)
              : json.readTree(answer);
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(printed));
    }
    return 0;
  }
}
