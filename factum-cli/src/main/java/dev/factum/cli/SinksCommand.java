package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * {@code factum sinks create|list|show|pause|resume|delete}: the root store's Kafka sinks through a
 * running server's {@code /admin/sinks} (docs/KAFKA.md); {@code create} builds the definition from
 * flags.
 */
final class SinksCommand extends ForwarderCommand {
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

        """
        + Remote.HELP;
  }

  @Override
  String kind() {
    return "sinks";
  }

  @Override
  Set<String> createOptions() {
    return Set.of("topic", "bootstrap", "category", "type", "tag", "producer-property");
  }

  @Override
  Set<String> repeatable() {
    return Set.of("category", "type", "tag", "producer-property");
  }

  @Override
  ObjectNode definition(ObjectMapper json, String name, Args args) {
    if (args.get("topic") == null || args.get("bootstrap") == null) {
      throw new Args.UsageException("create needs --topic and --bootstrap");
    }
    ObjectNode body = json.createObjectNode();
    body.put("name", name);
    body.put("topic", args.get("topic"));
    body.put("bootstrapServers", args.get("bootstrap"));
    putFilter(body.putObject("filter"), args, 0);
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
