package dev.factum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.client.HttpProjections;
import dev.factum.wire.WireJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code factum projections list|show|status|create|delete|get|count}: a running server's
 * declarative projections through {@link HttpProjections} (the client's {@code /projections} side,
 * so the CLI speaks exactly what the client does). Prints indented JSON.
 */
final class ProjectionsCommand implements Factum.Command {
  private static final Map<String, Integer> OPERANDS =
      Subcommand.operandCounts("list show:1 status:1 create:1 delete:1 get:2 count:1");

  @Override
  public String summary() {
    return "list, show, create or delete declarative projections; read their documents";
  }

  @Override
  public String usage() {
    return """
        Usage: factum projections list
               factum projections show|status|delete NAME
               factum projections create NAME --file DEFINITION.json
               factum projections get NAME ID [--wait SECONDS]
               factum projections count NAME [--reference R]

        Declarative projections of a running server (docs/PROJECTIONS.md). create replaces a
        definition of that name (a changed one is rebuilt from the log); create and delete need a
        writer key. get --wait waits that long for the document to be created.

        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv, 1, Set.of("file", "wait", "reference", "url", "cacert", "api-key"), Set.of());
    Subcommand subcommand =
        Subcommand.of(args, "projections", OPERANDS, List.of("a projection name", "a document id"));
    String action = subcommand.name();
    String name = subcommand.first();
    ObjectMapper json = WireJson.mapper();
    JsonNode definition = action.equals("create") ? definition(json, args) : null;
    Duration wait = Duration.ofSeconds(args.number("wait", 0, 0, 3_600));
    try (Remote remote = new Remote(args)) {
      JsonNode result =
          remote.call(
              client -> {
                HttpProjections projections = client.projections();
                return switch (action) {
                  case "list" -> {
                    ObjectNode root = json.createObjectNode();
                    ArrayNode all = root.putArray("projections");
                    projections.definitions().forEach(all::add);
                    yield root;
                  }
                  case "show" ->
                      projections.definition(name).orElseThrow(() -> notFound("projection", name));
                  case "status" -> json.valueToTree(projections.status(name));
                  case "create" -> projections.define(name, definition);
                  case "delete" -> {
                    if (!projections.delete(name)) {
                      throw notFound("projection", name);
                    }
                    yield json.createObjectNode().put("deleted", name);
                  }
                  case "get" -> {
                    String id = subcommand.operands().get(1);
                    HttpProjections.Document document =
                        projections
                            .document(name, id, -1, wait)
                            .orElseThrow(() -> notFound("document", name + "/" + id));
                    yield document(json, document);
                  }
                  default ->
                      json.createObjectNode()
                          .put("count", projections.count(name, args.get("reference")));
                };
              });
      out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }
    return 0;
  }

  private static Factum.CommandFailure notFound(String what, String name) {
    return new Factum.CommandFailure("projection-not-found: no " + what + " '" + name + "'");
  }

  private static JsonNode definition(ObjectMapper json, Args args) {
    String file = args.get("file");
    if (file == null) {
      throw new Args.UsageException("create needs --file DEFINITION.json");
    }
    try {
      return json.readTree(Files.readAllBytes(Path.of(file)));
    } catch (NoSuchFileException e) {
      throw new Args.UsageException("--file: no file " + file);
    } catch (IOException e) {
      throw new Args.UsageException("--file " + file + " is not JSON: " + e.getMessage());
    }
  }

  private static ObjectNode document(ObjectMapper json, HttpProjections.Document document) {
    ObjectNode node = json.createObjectNode();
    node.put("id", document.id());
    node.put("createdAt", document.createdAt().toString());
    node.put("updatedAt", document.updatedAt().toString());
    if (document.reference() != null) {
      node.put("reference", document.reference());
    }
    node.set("data", document.data());
    return node;
  }
}
