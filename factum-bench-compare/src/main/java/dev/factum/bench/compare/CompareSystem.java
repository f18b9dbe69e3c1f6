package dev.factum.bench.compare;

import dev.factum.bench.compare.peers.SharedPostgres;
import dev.factum.bench.compare.targets.DiskTarget;
import dev.factum.bench.compare.targets.FactumTarget;
import dev.factum.bench.compare.targets.KafkaTarget;
import dev.factum.bench.compare.targets.MessageDbTarget;
import dev.factum.bench.compare.targets.PostgresStores;
import dev.factum.bench.compare.targets.RocksDbStores;
import dev.factum.bench.load.BenchTarget;
import dev.factum.bench.load.Progress;
import dev.factum.server.HttpTransport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The systems {@code bin/bench compare} can measure, in the order they run, with their names on the
 * command line ({@code --systems}) and how each is started.
 */
public enum CompareSystem {
  DISK("disk", "Raw disk (fsync'd appends)"),
  FACTUM_EMBEDDED("factum-embedded", "Factum embedded"),
  FACTUM_HTTP("factum-http", "Factum over HTTP"),
  FACTUM_HTTP_JDK("factum-http-jdk", "Factum over HTTP, JDK server"),
  FACTUM_POSTGRES("factum-postgres", "Factum on PostgreSQL"),
  MESSAGE_DB("message-db", "Message DB"),
  KAFKA("kafka", "Kafka, default flushing"),
  KAFKA_FLUSH("kafka-flush", "Kafka, flush per write");

  private final String cliName;
  private final String title;

  CompareSystem(String cliName, String title) {
    this.cliName = cliName;
    this.title = title;
  }

  String cliName() {
    return cliName;
  }

  public String title() {
    return title;
  }

  /**
   * Starts the system with its data inside {@code directory} (created; removed on close), or on the
   * run's PostgreSQL server.
   */
  BenchTarget start(Path directory, SharedPostgres postgres, Progress progress) throws Exception {
    return switch (this) {
      case DISK -> new DiskTarget(directory);
      case FACTUM_EMBEDDED -> new FactumTarget(title, new RocksDbStores(directory), null);
      case FACTUM_HTTP ->
          new FactumTarget(title, new RocksDbStores(directory), HttpTransport.FACTUM);
      case FACTUM_HTTP_JDK ->
          new FactumTarget(title, new RocksDbStores(directory), HttpTransport.JDK);
      case FACTUM_POSTGRES -> new FactumTarget(title, new PostgresStores(postgres), null);
      case MESSAGE_DB -> MessageDbTarget.start(postgres, progress);
      case KAFKA -> KafkaTarget.start(directory, false, progress);
      case KAFKA_FLUSH -> KafkaTarget.start(directory, true, progress);
    };
  }

  static CompareSystem byName(String name) {
    for (CompareSystem system : values()) {
      if (system.cliName.equals(name)) {
        return system;
      }
    }
    throw new IllegalArgumentException("unknown system '" + name + "' (known: " + allNames() + ")");
  }

  static String allNames() {
    return Arrays.stream(values()).map(CompareSystem::cliName).collect(Collectors.joining(", "));
  }
}
