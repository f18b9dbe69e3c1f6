package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The shared shape of {@code factum webhooks} and {@code factum sinks}: {@code create NAME
 * [options]}, {@code list}, {@code show|pause|resume|delete NAME} against a running server's {@code
 * /admin/KIND}, the answer printed as indented JSON. A subclass names its kind, its create options,
 * and how they become a definition.
 */
abstract class ForwarderCommand implements Factum.Command {
  private static final Set<String> ACTIONS =
      Set.of("create", "list", "show", "pause", "resume", "delete");
  private static final Set<String> REMOTE = Set.of("url", "api-key", "cacert");
  private static final List<String> FILTER_KINDS = List.of("category", "type", "tag");

  /** {@code webhooks} or {@code sinks}: the path under {@code /admin/}. */
  abstract String kind();

  /** The valued options of {@code create}. */
  abstract Set<String> createOptions();

  /** The options of {@code create} that may repeat. */
  abstract Set<String> repeatable();

  /** The definition {@code create} sends. */
  abstract ObjectNode definition(ObjectMapper json, String name, Args args);

  @Override
  public final int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Set<String> valued = new HashSet<>(REMOTE);
    valued.addAll(createOptions());
    Args args = new Args(argv, 1, valued, Set.of("paused"), repeatable());
    if (args.positional().isEmpty() || !ACTIONS.contains(args.positional().getFirst())) {
      throw new Args.UsageException("give create, list, show, pause, resume or delete");
    }
    String action = args.positional().getFirst();
    int expected = action.equals("list") ? 1 : 2;
    if (args.positional().size() != expected) {
      throw new Args.UsageException(
          action.equals("list") ? "unexpected argument" : "give exactly one NAME");
    }
    ObjectMapper json = WireJson.mapper();
    String kind = kind();
    try (Remote remote = new Remote(args)) {
      String name = expected == 2 ? args.positional().get(1) : null;
      byte[] answer =
          switch (action) {
            case "create" -> {
              byte[] body = json.writeValueAsBytes(definition(json, name, args));
              yield remote.json(api -> api.createForwarder(kind, body));
            }
            case "list" -> remote.json(api -> api.forwarders(kind));
            case "show" -> remote.json(api -> api.forwarder(kind, name));
            case "pause" -> remote.json(api -> api.setForwarderPaused(kind, name, true));
            case "resume" -> remote.json(api -> api.setForwarderPaused(kind, name, false));
            default -> remote.json(api -> api.deleteForwarder(kind, name));
          };
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(answer)));
    }
    return 0;
  }

  /**
   * Puts {@code --category}, {@code --type} or {@code --tag} (repeatable; one kind at most, and
   * none when {@code others} options are already given) into {@code filter}.
   */
  static void putFilter(ObjectNode filter, Args args, int others) {
    int kinds = others;
    for (String kind : FILTER_KINDS) {
      List<String> values = args.all(kind);
      if (!values.isEmpty()) {
        kinds++;
        values.forEach(filter.putArray(kind)::add);
      }
    }
    if (kinds > 1) {
      throw new Args.UsageException("give one source: --category, --type or --tag (or --stream)");
    }
  }
}
