package dev.factum.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.LogFilter;
import dev.factum.api.groups.ConsumerGroups;
import dev.factum.api.groups.GroupDefinition;
import dev.factum.api.groups.GroupSettings;
import dev.factum.api.groups.GroupSource;
import dev.factum.api.groups.GroupStart;
import dev.factum.api.groups.GroupStatus;
import dev.factum.api.groups.ParkedEvent;
import dev.factum.client.FactumClient;
import dev.factum.wire.GroupJson;
import dev.factum.wire.WireJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code factum groups list|create|show|delete|parked|replay|skip}: a running server's consumer
 * groups, through {@link FactumClient#consumerGroups()} (so the CLI speaks exactly what the client
 * does). Prints JSON: a status, a list of statuses, or the parked events.
 */
final class GroupsCommand implements Factum.Command {
  private static final Map<String, Integer> OPERANDS =
      Subcommand.operandCounts("list create:1 show:1 delete:1 parked:1 replay:2 skip:2");

  @Override
  public String summary() {
    return "list, create, show or delete consumer groups; list, replay or skip parked events";
  }

  @Override
  public String usage() {
    return """
        Usage: factum groups list
               factum groups create NAME [--stream S | --category C... | --type T... | --tag T...]
                                    [--start beginning|end|POSITION] [--max-in-flight N]
                                    [--ack-timeout-ms N] [--retries N] [--backoff-ms N]
               factum groups show|delete|parked NAME
               factum groups replay|skip NAME POSITION

        Consumer groups of a running server (docs/CONSUMERS.md). create, delete, replay and skip
        need an admin key. Without a source, a group reads the whole log.

        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of(
                "stream",
                "category",
                "type",
                "tag",
                "start",
                "max-in-flight",
                "ack-timeout-ms",
                "retries",
                "backoff-ms",
                "url",
                "cacert",
                "api-key"),
            Set.of(),
            Set.of("category", "type", "tag"));
    Subcommand subcommand =
        Subcommand.of(args, "groups", OPERANDS, List.of("a group name", "a position"));
    String action = subcommand.name();
    String name = subcommand.first();
    try (Remote remote = new Remote(args)) {
      Object result =
          remote.call(
              client -> {
                ConsumerGroups groups = client.consumerGroups();
                return switch (action) {
                  case "list" -> {
                    ArrayNode all = WireJson.mapper().createArrayNode();
                    groups.list().forEach(status -> all.add(json(status)));
                    ObjectNode root = WireJson.mapper().createObjectNode();
                    root.set("groups", all);
                    yield root;
                  }
                  case "create" -> json(groups.create(definition(args, name)));
                  case "show" -> json(groups.status(name));
                  case "delete" -> {
                    groups.delete(name);
                    yield WireJson.mapper().createObjectNode().put("deleted", name);
                  }
                  case "parked" -> parked(groups.parked(name));
                  default -> {
                    long position = position(subcommand.operands().get(1));
                    if (action.equals("replay")) {
                      groups.replayParked(name, position);
                    } else {
                      groups.skipParked(name, position);
                    }
                    yield WireJson.mapper().createObjectNode().put(action, position);
                  }
                };
              });
      out.println(WireJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }
    return 0;
  }

  private static long position(String text) {
    try {
      long position = Long.parseLong(text);
      if (position >= 0) {
        return position;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new Args.UsageException("a position is a whole number >= 0, was '" + text + "'");
  }

  private static GroupDefinition definition(Args args, String name) {
    GroupSource source = GroupSource.all();
    int kinds = 0;
    if (args.get("stream") != null) {
      source = GroupSource.stream(args.get("stream"));
      kinds++;
    }
    for (String kind : List.of("category", "type", "tag")) {
      List<String> values = args.all(kind);
      if (!values.isEmpty()) {
        String[] array = values.toArray(String[]::new);
        source =
            GroupSource.filtered(
                switch (kind) {
                  case "category" -> LogFilter.categories(array);
                  case "type" -> LogFilter.types(array);
                  default -> LogFilter.tags(array);
                });
        kinds++;
      }
    }
    if (kinds > 1) {
      throw new Args.UsageException("give one of --stream, --category, --type or --tag");
    }
    String start = args.get("start", "beginning");
    GroupStart from =
        switch (start) {
          case "beginning" -> GroupStart.beginning();
          case "end" -> GroupStart.end();
          default -> GroupStart.at(position(start));
        };
    GroupSettings defaults = GroupSettings.DEFAULT;
    GroupSettings settings =
        new GroupSettings(
            (int) args.number("max-in-flight", defaults.maxInFlight(), 1, Integer.MAX_VALUE),
            Duration.ofMillis(
                args.number(
                    "ack-timeout-ms",
                    defaults.ackTimeout().toMillis(),
                    0,
                    Long.MAX_VALUE / 1_000_000)),
            (int) args.number("retries", defaults.maxRetries(), 0, Integer.MAX_VALUE),
            Duration.ofMillis(
                args.number(
                    "backoff-ms",
                    defaults.retryBackoff().toMillis(),
                    0,
                    Long.MAX_VALUE / 1_000_000)));
    return new GroupDefinition(name, source, from, settings);
  }

  /** A status as the server answers it (factum-wire's writer), as a tree to print. */
  private static ObjectNode json(GroupStatus status) {
    return tree(
        json -> {
          json.writeStartObject();
          GroupJson.writeStatus(json, status);
          json.writeEndObject();
        });
  }

  private static ObjectNode parked(List<ParkedEvent> parked) {
    return tree(
        json -> {
          json.writeStartObject();
          GroupJson.writeParked(json, parked);
          json.writeEndObject();
        });
  }

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  private static ObjectNode tree(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try {
      try (JsonGenerator json = WireJson.factory().createGenerator(out)) {
        writer.write(json);
      }
      return (ObjectNode) WireJson.mapper().readTree(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
