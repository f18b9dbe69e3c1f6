package dev.factum.cli;

import dev.factum.api.ChainHead;
import dev.factum.api.FactumException;
import dev.factum.storage.postgres.PostgresStorage;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code factum chain head}: prints the head of a store's tamper-evident hash chain as an anchor
 * ({@code POS:HEX}), to note outside the store and check later with {@code factum verify --anchor}
 * (docs/LIFECYCLE.md, "Tamper evidence"). From a RocksDB data directory (offline), a PostgreSQL
 * database, or a running server ({@code --url}, an admin key).
 */
final class ChainCommand implements Factum.Command {
  @Override
  public String summary() {
    return "print the head of the store's tamper-evident hash chain (an anchor to note elsewhere)";
  }

  @Override
  public String usage() {
    return """
        Usage: factum chain head [--data DIR]
               factum chain head --storage postgres --pg-url URL [--pg-user USER] [--pg-password PW]
               factum chain head --url URL [--api-key KEY] [--cacert PEM]

        Prints the chain head as POSITION:HASH, then the position the chain starts at. Note the
        line somewhere the store's operators cannot rewrite (a ticket, another system, paper):
        factum verify --anchor POSITION:HASH later fails if the log at or before POSITION was
        rewritten, even by someone who recomputed the chain. With --url, a running server answers
        for the key's store (an admin key: the root store, or a tenant admin's tenant).
        Exit code 0; 1 when the store cannot be read.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args =
        new Args(
            argv,
            1,
            Set.of(
                "data",
                "config",
                "storage",
                "pg-url",
                "pg-user",
                "pg-password",
                "url",
                "api-key",
                "cacert"),
            Set.of());
    if (args.positional().size() != 1 || !args.positional().getFirst().equals("head")) {
      throw new Args.UsageException("say what to print: factum chain head");
    }
    ChainHead head = read(args);
    out.println(head.anchor());
    out.println("chained from position " + head.chainedFrom());
    return 0;
  }

  private static ChainHead read(Args args) {
    if (args.get("url") != null) {
      try (Remote remote = new Remote(args)) {
        return remote.call(client -> client.chainHead());
      }
    }
    ServeSettings settings = ServeSettings.resolve(args, System.getenv());
    try {
      if (settings.postgres() != null) {
        try (PostgresStorage storage = PostgresStorage.open(settings.postgres())) {
          return storage.chainHead();
        }
      }
      Path data = settings.data();
      if (!Files.isDirectory(data)) {
        throw new Args.UsageException(data + " is not a data directory");
      }
      try (RocksDbStorage storage = RocksDbStorage.open(data)) {
        return storage.chainHead();
      }
    } catch (FactumException e) {
      throw new Factum.CommandFailure(e.getMessage());
    }
  }
}
