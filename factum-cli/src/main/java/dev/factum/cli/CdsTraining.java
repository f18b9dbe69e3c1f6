package dev.factum.cli;

import dev.factum.engine.FactumStore;
import dev.factum.server.FactumServer;
import dev.factum.server.ServerConfig;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the class-data-sharing archive that {@code bin/factum} builds beside the jar
 * ({@code java -XX:ArchiveClassesAtExit=factum.jsa -cp factum.jar dev.factum.cli.CdsTraining}):
 * runs each client command once against a throw-away server in a temporary directory, so that the
 * archive holds the classes a command loads (parsed and verified already), and those of the server.
 *
 * <p>It must stay free of side effects outside its temporary directory, bind only 127.0.0.1, and
 * finish in a few seconds. Exit code 0 when every command did what it should (a failed run writes
 * no archive worth keeping: bin/factum then runs without one).
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] argv) throws IOException {
    Path data = Files.createTempDirectory("factum-cds-");
    int failed = 0;
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true);
    try (FactumStore store = RocksDbEventStore.open(data.resolve("store"));
        FactumServer server = FactumServer.start(store, ServerConfig.DEFAULT.withPort(0))) {
      String url = server.uri().toString();
      List<String[]> runs =
          List.of(
              new String[] {"--help"},
              new String[] {"read", "--help"},
              new String[] {
                "append",
                "train-1",
                "--type",
                "T",
                "--data",
                "{\"n\":1}",
                "--tag",
                "t",
                "--url",
                url
              },
              new String[] {"read", "train-1", "--url", url},
              new String[] {"read", "--all", "--tag", "t", "--limit", "1", "--url", url},
              new String[] {"state", "train-1", "--url", url},
              new String[] {"tail", "train-1", "--from", "0", "--count", "1", "--url", url},
              new String[] {"delete", "train-1", "--expected-revision", "0", "--url", url});
      for (String[] run : runs) {
        if (Factum.run(run, quiet, quiet) != 0) {
          System.err.println("factum: CDS training step failed: " + String.join(" ", run));
          failed++;
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(data)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }
}
