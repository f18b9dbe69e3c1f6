package dev.factum.cli;

import dev.factum.api.DataCorruptedException;
import dev.factum.engine.spi.VerifyReport;
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
    return "check a data directory offline";
  }

  @Override
  public String usage() {
    return """
        Usage: factum verify [--data DIR]

        Reads the whole store in DIR (default ./data) and checks every record's checksum, that
        positions and revisions are dense, that every index entry is present and points at the
        right event, and that stream heads agree with the events. Run it with the server stopped.
        Exit code 0: clean; 1: damage found (listed), including a store too damaged to open.""";
  }

  @Override
  public int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    Args args = new Args(argv, 1, Set.of("data"), Set.of());
    Path data = Path.of(args.get("data", "./data"));
    if (!Files.isDirectory(data)) {
      throw new Args.UsageException(data + " is not a data directory");
    }
    VerifyReport report;
    try (RocksDbStorage storage = RocksDbStorage.open(data)) {
      report = storage.verify();
    } catch (DataCorruptedException damaged) {
      // RocksDB refused to open it (a damaged write-ahead log or table file): that is a finding.
      out.println("DAMAGED: the store cannot be opened: " + damaged.getMessage());
      return 1;
    }
    out.println(report);
    return report.ok() ? 0 : 1;
  }
}
