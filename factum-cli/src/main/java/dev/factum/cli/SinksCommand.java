package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code factum sinks create|list|show|pause|resume|delete}: the root store's Kafka sinks through a
 * running server's {@code /admin/sinks} (docs/KAFKA.md); {@code create} builds the definition from
 * flags.
 */
final class SinksCommand implements Factum.Command {
  private static final String KIND = "sinks";

  @Override
  public String summary() {
    return "create, list, show, pause, resume or delete Kafka sinks on a running server";
  }

  @Override
  public String usage() {
    return """
        Usage: factum sinks create NAME --topic TOPIC --bootstrap HOST:PORT [--category C]...
                                 [--type T]... [--tag T]... [--producer-property K=V]... [--paused]
               factum sinks list
               factum sinks show|pause|resume|delete NAME
             each with  --url URL [--api-key KEY]  (a running server; an admin key without a tenant)

        A sink forwards the log (or the events of some categories, types or tags) to a Kafka topic
        exactly once, in order per stream (key = stream name, value = the event as JSON). TOPIC may
        contain {category}, replaced by each event's category. It starts at the beginning of the
        log; a broker that is down makes it wait and retry, never skip.

          --url URL       server address (env FACTUM_URL, default http://127.0.0.1:7117)
          --api-key KEY   API key for a server with auth on (env FACTUM_API_KEY)""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of(
                "url",
                "api-key",
                "cacert",
                "topic",
                "bootstrap",
                "category",
                "type",
                "tag",
                "producer-property"),
            Set.of("paused"),
            Set.of("category", "type", "tag", "producer-property"));
    if (args.positional().isEmpty()
        || !WebhooksCommand.ACTIONS.contains(args.positional().getFirst())) {
      throw new Args.UsageException("give create, list, show, pause, resume or delete");
    }
    String action = args.positional().getFirst();
    int expected = action.equals("list") ? 1 : 2;
    if (args.positional().size() != expected) {
      throw new Args.UsageException(
          action.equals("list") ? "unexpected argument" : "give exactly one sink NAME");
    }
    ObjectMapper json = WireJson.mapper();
    try (Remote remote = new Remote(args)) {
      String name = expected == 2 ? args.positional().get(1) : null;
      byte[] answer =
          switch (action) {
            case "create" -> {
              byte[] body = json.writeValueAsBytes(definition(json, name, args));
              yield remote.json(api -> api.createForwarder(KIND, body));
            }
            case "list" -> remote.json(api -> api.forwarders(KIND));
            case "show" -> remote.json(api -> api.forwarder(KIND, name));
            case "pause" -> remote.json(api -> api.setForwarderPaused(KIND, name, true));
            case "resume" -> remote.json(api -> api.setForwarderPaused(KIND, name, false));
            default -> remote.json(api -> api.deleteForwarder(KIND, name));
          };
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(answer)));
    }
    return 0;
  }

  private static ObjectNode definition(ObjectMapper json, String name, Args args) {
    if (args.get("topic") == null || args.get("bootstrap") == null) {
      throw new Args.UsageException("create needs --topic and --bootstrap");
    }
    ObjectNode body = json.createObjectNode();
    body.put("name", name);
    body.put("topic", args.get("topic"));
    body.put("bootstrapServers", args.get("bootstrap"));
    ObjectNode filter = body.putObject("filter");
    int kinds = 0;
    for (String kind : List.of("category", "type", "tag")) {
      List<String> values = args.all(kind);
      if (!values.isEmpty()) {
        kinds++;
        values.forEach(filter.putArray(kind)::add);
      }
    }
    if (kinds > 1) {
      throw new Args.UsageException("give one of --category, --type or --tag");
    }
    ObjectNode properties = body.putObject("producerProperties");
    for (String property : args.all("producer-property")) {
      int eq = property.indexOf('=');
      if (eq <= 0) {
        throw new Args.UsageException(
            "--producer-property must be KEY=VALUE, was '" + property + "'");
      }
      properties.put(property.substring(0, eq), property.substring(eq + 1));
    }
    if (args.flag("paused")) {
      body.put("paused", true);
    }
    return body;
  }
}
