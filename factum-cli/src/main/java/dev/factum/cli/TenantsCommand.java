package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.factum.client.JsonApi;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code factum tenants create|list|delete}: tenants through a running server's {@code
 * /admin/tenants} ({@code --url} with an admin key of the root store). Online only: creating or
 * deleting a tenant opens or removes its storage, which is the server's.
 */
final class TenantsCommand implements Factum.Command {
  @Override
  public String summary() {
    return "create, list or delete tenants (isolated stores) on a running server";
  }

  @Override
  public String usage() {
    return """
        Usage: factum tenants create NAME
               factum tenants list
               factum tenants delete NAME
             each with  --url URL [--api-key KEY]  (a running server; an admin key without a tenant)

        A tenant is an isolated store: its own streams, its own log from position 0, its own
        subscriptions and consumer groups. Give it keys with factum keys create --tenant NAME.
        A name is 1 to 30 characters of a-z, 0-9 and -, starting and ending with a letter or digit.
        delete revokes the tenant's keys, closes its feeds and removes its data: it cannot be undone.

        """
        + Remote.HELP;
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Remote.OPTIONS, Set.of());
    if (args.positional().isEmpty()) {
      throw new Args.UsageException("give create, list or delete");
    }
    String action = args.positional().getFirst();
    if (!Set.of("create", "list", "delete").contains(action)) {
      throw new Args.UsageException("unknown tenants command '" + action + "'");
    }
    int expected = action.equals("list") ? 1 : 2;
    if (args.positional().size() != expected) {
      throw new Args.UsageException(
          action.equals("list") ? "unexpected argument" : "give exactly one tenant NAME");
    }
    ObjectMapper json = WireJson.mapper();
    try (Remote remote = new Remote(args)) {
      byte[] answer =
          switch (action) {
            case "create" -> {
              ObjectNode body = json.createObjectNode();
              body.put("name", args.positional().get(1));
              byte[] bytes = json.writeValueAsBytes(body);
              yield remote.json(api -> api.createTenant(bytes));
            }
            case "list" -> remote.json(JsonApi::tenants);
            default -> {
              String name = args.positional().get(1);
              yield remote.json(api -> api.deleteTenant(name));
            }
          };
      out.println(json.writeValueAsString(json.readTree(answer)));
    }
    return 0;
  }
}
