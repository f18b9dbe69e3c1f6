package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.api.FactumException;
import dev.factum.client.JsonApi;
import dev.factum.engine.FactumStore;
import dev.factum.server.KeyAdmin;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * {@code factum keys create|list|revoke}: API keys, either offline on a stopped server's data
 * directory ({@code --data-dir}, the store opened exclusively) or through a running server's {@code
 * /admin/keys} ({@code --url} with an admin {@code --api-key}). Both print the same JSON.
 */
final class KeysCommand implements Factum.Command {
  @Override
  public String summary() {
    return "create, list or revoke API keys (offline on a data directory, or on a server)";
  }

  @Override
  public String usage() {
    return """
        Usage: factum keys create --name NAME --role reader|writer|admin [--prefix P]...
                                  [--category C]... [--expires INSTANT] [--rate N]
                                  [--tenant T]
               factum keys list
               factum keys revoke ID
             each with  --data-dir DIR  (offline: the server on DIR must be stopped)
                    or  --url URL [--api-key KEY]  (a running server; an admin key)

        create prints the new key as JSON; its "key" is shown this once and stored only as a
        hash. Scopes: --prefix matches stream names starting with P, --category matches streams
        whose category (the part before the first '-') is C; none means every stream.
        --expires takes an ISO-8601 instant (2027-01-01T00:00:00Z); --rate a request rate per
        second. --tenant makes a key of tenant T (factum tenants): it acts on T's store only; an
        admin key of a tenant manages that tenant's keys only. revoke takes effect at once and
        closes the key's open feeds.

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
                "name",
                "role",
                "prefix",
                "category",
                "expires",
                "rate",
                "tenant",
                "data-dir",
                "url",
                "cacert",
                "api-key"),
            Set.of(),
            Set.of("prefix", "category"));
    if (args.positional().isEmpty()) {
      throw new Args.UsageException("give create, list or revoke");
    }
    String action = args.positional().getFirst();
    int expected = action.equals("revoke") ? 2 : 1;
    if (!Set.of("create", "list", "revoke").contains(action)) {
      throw new Args.UsageException("unknown keys command '" + action + "'");
    }
    if (args.positional().size() != expected) {
      throw new Args.UsageException(
          action.equals("revoke") ? "give exactly one key ID" : "unexpected argument");
    }
    String result = args.get("data-dir") != null ? offline(args, action) : online(args, action);
    out.println(result);
    if (action.equals("create")) {
      err.println("factum: the \"key\" above is shown only now; keep it somewhere safe");
    }
    return 0;
  }

  private static Instant expires(Args args) {
    String text = args.get("expires");
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new Args.UsageException("--expires must be an instant like 2027-01-01T00:00:00Z");
    }
  }

  private static String required(Args args, String name) {
    String value = args.get(name);
    if (value == null) {
      throw new Args.UsageException("keys create needs --" + name);
    }
    return value;
  }

  private static String offline(Args args, String action) {
    if (args.get("url") != null) {
      throw new Args.UsageException("give --data-dir or --url, not both");
    }
    Path data = Path.of(args.get("data-dir"));
    if (!Files.isDirectory(data)) {
      throw new Args.UsageException(data + " is not a data directory");
    }
    try (FactumStore store = RocksDbEventStore.open(data);
        KeyAdmin keys = KeyAdmin.open(store)) {
      return switch (action) {
        case "create" ->
            keys.create(
                required(args, "name"),
                required(args, "role"),
                args.all("prefix"),
                args.all("category"),
                expires(args),
                (int) args.number("rate", 0, 1, 1_000_000),
                args.get("tenant"));
        case "list" -> keys.list();
        default -> keys.revoke(args.positional().get(1));
      };
    } catch (FactumException e) {
      throw new Factum.CommandFailure(e.getMessage());
    }
  }

  private static String online(Args args, String action) throws Exception {
    ObjectMapper json = WireJson.mapper();
    try (Remote remote = new Remote(args)) {
      byte[] answer =
          switch (action) {
            case "create" -> {
              ObjectNode body = json.createObjectNode();
              body.put("name", required(args, "name"));
              body.put("role", required(args, "role"));
              array(body.putArray("prefixes"), args.all("prefix"));
              array(body.putArray("categories"), args.all("category"));
              Instant expires = expires(args);
              if (expires != null) {
                body.put("expiresAt", expires.toString());
              }
              if (args.get("tenant") != null) {
                body.put("tenant", args.get("tenant"));
              }
              if (args.get("rate") != null) {
                body.put("ratePerSecond", args.number("rate", 0, 1, 1_000_000));
              }
              byte[] bytes = json.writeValueAsBytes(body);
              yield remote.json(keys -> keys.createKey(bytes));
            }
            case "list" -> remote.json(JsonApi::keys);
            default -> {
              String id = args.positional().get(1);
              yield remote.json(keys -> keys.revokeKey(id));
            }
          };
      return json.writeValueAsString(json.readTree(answer));
    }
  }

  private static void array(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
