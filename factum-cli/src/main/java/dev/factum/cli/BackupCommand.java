package dev.factum.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.factum.client.JsonApi;
import dev.factum.engine.spi.BackupReport;
import dev.factum.storage.rocksdb.RocksDbStorage;
import dev.factum.wire.WireJson;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code factum backup}: backs a RocksDB data directory up into a backup directory with RocksDB's
 * backup engine (incremental: later backups into the same directory copy only new table files),
 * then checks the backup by restoring it into a scratch copy and running the store verifier over it
 * (docs/LIFECYCLE.md, docs/OPERATIONS.md). Exit code 0 when the backup verified clean, 1 otherwise.
 * With {@code --url} it asks a running server to do the same to its own live store ({@code POST
 * /admin/backup}, into the server's {@code --backup-dir}).
 */
final class BackupCommand implements Factum.Command {
  @Override
  public String summary() {
    return "back a RocksDB data directory up (incremental, verified after writing)";
  }

  @Override
  public String usage() {
    return """
        Usage: factum backup --to BACKUP_DIR [--data DIR]
               factum backup --url URL [--api-key KEY] [--cacert PEM]

        Backs up the store in DIR (default ./data) into BACKUP_DIR, which must be empty, absent, or
        hold earlier backups of factum backup (later backups share the table files of earlier
        ones). The backup is then restored into BACKUP_DIR.verifying, checked as factum verify
        checks a store, and that copy removed. Prints the backup's number, the newest position it
        holds, its size and what it added. The data directory is opened, so the server must be
        stopped. With --url, a running server started with --backup-dir backs its own live store
        up (an admin key's: the root store into BACKUP/root, a tenant admin's its tenant's into
        BACKUP/tenants/<tenant>) and the server's report is printed as JSON. PostgreSQL: use
        pg_dump (docs/OPERATIONS.md).
        Exit code 0: backed up and clean; 1: the backup failed or did not verify.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("data", "to", "url", "api-key", "cacert"), Set.of());
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    if (args.get("url") != null) {
      if (args.get("to") != null || args.get("data") != null) {
        throw new Args.UsageException(
            "--url asks a running server to back up into its own --backup-dir: drop --to and --data");
      }
      ObjectMapper json = WireJson.mapper();
      try (Remote remote = new Remote(args)) {
        byte[] answer = remote.json(JsonApi::backup);
        out.println(json.writeValueAsString(json.readTree(answer)));
      }
      return 0;
    }
    String to = args.get("to");
    if (to == null) {
      throw new Args.UsageException("name the backup directory with --to");
    }
    Path data = Path.of(args.get("data", "data"));
    if (!Files.isDirectory(data)) {
      throw new Args.UsageException(data + " is not a data directory");
    }
    BackupReport report;
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      report = storage.backup(Path.of(to));
    }
    out.println(report);
    return report.ok() ? 0 : 1;
  }
}
