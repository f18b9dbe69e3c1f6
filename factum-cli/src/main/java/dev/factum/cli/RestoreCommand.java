package dev.factum.cli;

import dev.factum.engine.spi.VerifyReport;
import dev.factum.storage.rocksdb.RocksDbStorage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code factum restore}: restores the newest backup of a backup directory into an empty or absent
 * data directory, then verifies the restored store. It never writes into a directory that holds
 * anything (docs/LIFECYCLE.md).
 */
final class RestoreCommand implements Factum.Command {
  @Override
  public String summary() {
    return "restore the newest backup into an empty data directory, then verify it";
  }

  @Override
  public String usage() {
    return """
        Usage: factum restore --from BACKUP_DIR --data DIR

        Restores the newest backup in BACKUP_DIR (written by factum backup) into DIR, which must
        be empty or absent (anything else is refused, and nothing is written), then checks the
        restored store as factum verify does. Start the server on DIR afterwards.
        Exit code 0: restored and clean; 1: refused, failed, or damage found.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("from", "data"), Set.of());
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + args.positional().getFirst() + "'");
    }
    if (args.get("from") == null || args.get("data") == null) {
      throw new Args.UsageException("give both --from BACKUP_DIR and --data DIR");
    }
    Path data = Path.of(args.get("data"));
    RocksDbStorage.restore(Path.of(args.get("from")), data);
    VerifyReport report;
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      report = storage.verify();
    }
    out.println("restored into " + data.toAbsolutePath().normalize() + ": " + report);
    return report.ok() ? 0 : 1;
  }
}
