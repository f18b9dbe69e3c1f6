package dev.factum.cli;

import dev.factum.api.ChainAnchor;
import dev.factum.api.DataCorruptedException;
import dev.factum.api.FactumException;
import dev.factum.api.InvalidArgumentException;
import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.postgres.PostgresStorage;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code factum verify}: opens a data directory offline (the server must be stopped: the directory
 * is locked while in use) and checks every invariant of the stored data. Exit code 0 when clean, 1
 * when damage was found (each problem is named).
 */
final class VerifyCommand implements Factum.Command {
  @Override
  public String summary() {
    return "check a store: a RocksDB data directory offline, or a PostgreSQL database";
  }

  @Override
  public String usage() {
    return """
        Usage: factum verify [--data DIR] [--anchor POS:HEX] [--print-head]
               factum verify --storage postgres --pg-url URL [--pg-user USER] [--pg-password PW]
                             [--anchor POS:HEX] [--print-head]
               factum verify --url URL [--api-key KEY] [--cacert PEM] [--anchor POS:HEX]
                             [--print-head]

        Reads the whole store in DIR (default ./data) and checks every record's checksum, that
        positions and revisions are dense, that every index entry is present and points at the
        right event, and that stream heads agree with the events. It also checks the hash chain
        over the log: every event's stored bytes are those chained, and every chain record holds;
        the first position where the chain breaks is named (an event changed at p, a chain record
        altered at batch [a..b], or one missing). --anchor POS:HEX (from factum chain head, noted
        earlier) also requires the chain to pass through that value, which catches a store
        rewritten and re-chained after the anchor was taken. --print-head prints the chain head
        as an anchor line after the report. Run it with the server stopped.
        With --storage postgres (the same settings and environment variables as factum serve) it
        checks the same invariants of the database in one consistent snapshot; servers may keep
        running meanwhile.
        With --url, a running server checks the store of the API key (an admin key; a tenant
        admin's key checks that tenant's store) and sends the same report (GET /admin/verify);
        the server keeps serving meanwhile.
        Exit code 0: clean; 1: damage found (listed), including a store too damaged to open.""";
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
                "anchor",
                "url",
                "cacert",
                "api-key"),
            Set.of("print-head"));
    ChainAnchor anchor;
    try {
      anchor = args.get("anchor") == null ? null : ChainAnchor.parse(args.get("anchor"));
    } catch (InvalidArgumentException e) {
      throw new Args.UsageException("--anchor: " + e.getMessage());
    }
    if (args.get("url") != null) {
      if (args.get("data") != null || args.get("storage") != null || args.get("pg-url") != null) {
        throw new Args.UsageException(
            "give --url, or a store to open (--data, --storage), not both");
      }
      ChainAnchor checked = anchor;
      try (Remote remote = new Remote(args)) {
        byte[] report = remote.json(json -> json.verify(checked));
        return print(RemoteVerifyReport.parse(report), args.flag("print-head"), out);
      }
    }
    ServeSettings settings = ServeSettings.resolve(args, System.getenv());
    if (settings.postgres() != null) {
      VerifyReport report;
      try (PostgresStorage storage = PostgresStorage.open(settings.postgres())) {
        report = storage.verify(anchor);
      } catch (FactumException e) {
        throw new Factum.CommandFailure(e.getMessage());
      }
      return print(report, args.flag("print-head"), out);
    }
    Path data = settings.data();
    if (!Files.isDirectory(data)) {
      throw new Args.UsageException(data + " is not a data directory");
    }
    VerifyReport report;
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      report = storage.verify(anchor);
    } catch (DataCorruptedException damaged) {
      // RocksDB refused to open it (a damaged write-ahead log or table file): that is a finding.
      out.println("DAMAGED: the store cannot be opened: " + damaged.getMessage());
      return 1;
    }
    return print(report, args.flag("print-head"), out);
  }

  private static int print(VerifyReport report, boolean printHead, PrintStream out) {
    out.println(report);
    if (printHead && report.chain() != null) {
      out.println("chain head: " + report.chain().head().anchor());
    }
    return report.ok() ? 0 : 1;
  }
}
