package dev.factum.bench.compare.peers;

import dev.factum.bench.load.DataDirectory;
import dev.factum.bench.load.Progress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * One Apache Kafka broker in KRaft mode (broker and controller in one process), started as a child
 * JVM on 127.0.0.1 for the comparison, with the jars of module {@code factum-bench-kafka-broker}
 * (resolved from Maven Central; its classpath file is named by the system property {@value
 * #CLASSPATH_PROPERTY}, which {@code bin/bench} and the smoke test set).
 *
 * <p>Design note: the broker gets its own JVM and classpath because Kafka brings its own Scala and
 * Jackson, which must not meet the benchmark's; only {@code kafka-clients} lives in the benchmark.
 * The storage is formatted with {@code kafka.tools.StorageTool} first, as Kafka's own scripts do.
 *
 * <p>What must stay true: the broker listens on loopback only, on ports found free just before;
 * {@link #close} stops it (SIGTERM, then SIGKILL after a grace period) and removes its directory,
 * and a shutdown hook kills it if the benchmark's JVM exits first, so nothing is left running. The
 * broker's log is kept in its directory and its tail reported if it fails to start.
 */
public final class KafkaBroker implements AutoCloseable {
  static final String CLASSPATH_PROPERTY = "factum.bench.kafkaClasspath";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final Process process;
  private final Path directory;
  private final String bootstrap;
  private final Thread killer;

  private KafkaBroker(Process process, Path directory, String bootstrap, Thread killer) {
    this.process = process;
    this.directory = directory;
    this.bootstrap = bootstrap;
    this.killer = killer;
  }

  /** The classpath of the broker, from the file the build wrote; fails with advice if missing. */
  static String classpath() throws IOException {
    String file = System.getProperty(CLASSPATH_PROPERTY);
    if (file == null || !Files.isRegularFile(Path.of(file))) {
      throw new IllegalStateException(
          "the Kafka broker's classpath file is missing ("
              + CLASSPATH_PROPERTY
              + "="
              + file
              + "); run through bin/bench, which resolves it from Maven Central");
    }
    return Files.readString(Path.of(file)).trim();
  }

  /**
   * Formats and starts a broker in {@code directory} (created; removed by {@link #close}); with
   * {@code flushPerWrite}, the broker fsyncs its log after every append ({@code
   * log.flush.interval.messages=1}), else it leaves flushing to the OS as by default.
   */
  public static KafkaBroker start(Path directory, boolean flushPerWrite, Progress progress)
      throws IOException, InterruptedException {
    String classpath = classpath();
    Files.createDirectories(directory);
    int brokerPort = freePort();
    int controllerPort = freePort();
    Path properties = directory.resolve("server.properties");
    List<String> lines = new ArrayList<>();
    lines.add("process.roles=broker,controller");
    lines.add("node.id=1");
    lines.add("controller.quorum.voters=1@127.0.0.1:" + controllerPort);
    lines.add(
        "listeners=PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort);
    lines.add("advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort);
    lines.add("controller.listener.names=CONTROLLER");
    lines.add("listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    lines.add("inter.broker.listener.name=PLAINTEXT");
    lines.add("log.dirs=" + directory.resolve("data"));
    lines.add("offsets.topic.replication.factor=1");
    lines.add("transaction.state.log.replication.factor=1");
    lines.add("transaction.state.log.min.isr=1");
    lines.add("group.initial.rebalance.delay.ms=0");
    if (flushPerWrite) {
      lines.add("log.flush.interval.messages=1");
    }
    Files.write(properties, lines, StandardCharsets.UTF_8);
    Path log4j = directory.resolve("log4j2.properties");
    Files.writeString(
        log4j,
        """
        rootLogger.level = WARN
        rootLogger.appenderRef.out.ref = OUT
        appender.out.type = Console
        appender.out.name = OUT
        appender.out.layout.type = PatternLayout
        appender.out.layout.pattern = [%d] %p %m (%c)%n
        """);
    Path log = directory.resolve("broker.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String logConfig = "-Dlog4j2.configurationFile=" + log4j;

    Process format =
        new ProcessBuilder(
                java,
                "-cp",
                classpath,
                logConfig,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                properties.toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("format.log").toFile())
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException(
          "kafka.tools.StorageTool format failed: " + tail(directory.resolve("format.log")));
    }

    Process process =
        new ProcessBuilder(
                java,
                "-Xms1g",
                "-Xmx1g",
                "-cp",
                classpath,
                logConfig,
                "kafka.Kafka",
                "" + properties)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Thread killer = new Thread(process::destroyForcibly, "kafka-broker-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    String bootstrap = "127.0.0.1:" + brokerPort;
    KafkaBroker broker = new KafkaBroker(process, directory, bootstrap, killer);
    try {
      broker.awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      String tail = tail(log);
      broker.close();
      throw new IllegalStateException("the Kafka broker did not start: " + e + "\n" + tail, e);
    }
    progress.say(
        "Kafka broker up at %s (pid %d%s)",
        bootstrap, process.pid(), flushPerWrite ? ", flush per write" : "");
    return broker;
  }

  public String bootstrap() {
    return bootstrap;
  }

  /** Admin client properties for this broker. */
  public Properties adminProperties() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return properties;
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker exited with " + process.exitValue());
      }
      try (Admin admin = Admin.create(adminProperties())) {
        admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        last = new IllegalStateException(e.toString(), e);
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("not ready after " + START_TIMEOUT, last);
  }

  @Override
  public void close() throws IOException {
    try {
      reportErrors();
      process.destroy();
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the Kafka broker", e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      DataDirectory.deleteTree(directory);
    }
  }

  /**
   * Copies the broker's first ERROR lines, each with the two lines after it (the exception), to
   * stderr: the broker's directory is removed.
   */
  private void reportErrors() {
    try {
      List<String> lines = Files.readAllLines(directory.resolve("broker.log"));
      int reported = 0;
      for (int i = 0; i < lines.size() && reported < 5; i++) {
        if (lines.get(i).contains(" ERROR ")) {
          reported++;
          for (int j = i; j < Math.min(lines.size(), i + 3); j++) {
            System.err.println("[kafka broker] " + lines.get(j));
          }
        }
      }
    } catch (IOException e) {
      // no log to report
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
