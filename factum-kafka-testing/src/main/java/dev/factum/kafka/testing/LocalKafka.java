package dev.factum.kafka.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * One real Apache Kafka broker in KRaft mode (broker and controller in one process), run as a child
 * JVM on 127.0.0.1 with the jars of module {@code factum-bench-kafka-broker}, for tests and
 * benchmarks of any module.
 *
 * <p>Design note: the broker gets its own JVM and classpath because Kafka brings its own Scala and
 * Jackson, which must not meet the caller's; only {@code kafka-clients} is on the caller's
 * classpath. The broker's classpath is written by the build (a resource of this jar, {@value
 * #CLASSPATH_RESOURCE}); the system property {@value #CLASSPATH_PROPERTY} may name another file.
 * The storage is formatted with {@code kafka.tools.StorageTool} once, as Kafka's own scripts do.
 *
 * <p>What must stay true: the broker listens on loopback only. Its ports are chosen once and kept:
 * {@link #stop} (SIGTERM) or {@link #kill} (SIGKILL) and then {@link #restart} bring the same
 * broker back on the same ports and data directory, so clients reconnect to it as to a restarted
 * server. Ports are found free by binding and closing, which races with other processes; a first
 * start that loses the race ("Address already in use") is retried on new ports. {@link #close}
 * stops the broker and removes its directory, and a shutdown hook kills it if the caller's JVM
 * exits first.
 */
public final class LocalKafka implements AutoCloseable {
  static final String CLASSPATH_PROPERTY = "factum.kafka.brokerClasspath";
  static final String CLASSPATH_RESOURCE = "broker.classpath";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Path directory;
  private final String classpath;
  private final boolean flushPerWrite;
  private int brokerPort;
  private int controllerPort;
  private Process process;
  private Thread killer;

  private LocalKafka(Path directory, String classpath, boolean flushPerWrite) {
    this.directory = directory;
    this.classpath = classpath;
    this.flushPerWrite = flushPerWrite;
  }

  /** Starts a broker in {@code directory} (created; removed by {@link #close}). */
  public static LocalKafka start(Path directory) throws IOException, InterruptedException {
    return start(directory, false);
  }

  /**
   * Formats and starts a broker in {@code directory} (created; removed by {@link #close}); with
   * {@code flushPerWrite}, the broker fsyncs its log after every append ({@code
   * log.flush.interval.messages=1}), else it leaves flushing to the OS as by default.
   */
  public static LocalKafka start(Path directory, boolean flushPerWrite)
      throws IOException, InterruptedException {
    LocalKafka kafka = new LocalKafka(directory, classpath(), flushPerWrite);
    for (int attempt = 1; ; attempt++) {
      deleteTree(directory);
      Files.createDirectories(directory);
      kafka.brokerPort = freePort();
      kafka.controllerPort = freePort();
      kafka.writeConfiguration();
      kafka.format();
      try {
        kafka.launch();
        return kafka;
      } catch (IllegalStateException e) {
        boolean portTaken = kafka.log().contains("Address already in use");
        if (!portTaken || attempt == START_ATTEMPTS) {
          deleteTree(directory);
          throw e;
        }
      }
    }
  }

  /** The classpath of the broker, from the file the build wrote; fails with advice if missing. */
  static String classpath() throws IOException {
    String file = System.getProperty(CLASSPATH_PROPERTY);
    if (file != null) {
      return Files.readString(Path.of(file)).trim();
    }
    try (InputStream in = LocalKafka.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "the Kafka broker's classpath resource is missing: build module factum-kafka-testing"
                + " with Maven (it copies factum-bench-kafka-broker/target/broker.classpath)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  /** {@code 127.0.0.1:port}, the same across restarts. */
  public String bootstrap() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The broker's process id (changes on restart). */
  public synchronized long pid() {
    return process.pid();
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Admin client properties for this broker. */
  public Properties adminProperties() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    return properties;
  }

  /** Stops the broker with SIGTERM (a clean shutdown), waiting for it to exit. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    forget();
  }

  /** Kills the broker with SIGKILL, as a crash would, waiting for it to be gone. */
  public synchronized void kill() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    forget();
  }

  /** Starts the stopped or killed broker again, on the same ports and data directory. */
  public synchronized void restart() throws InterruptedException {
    if (isRunning()) {
      throw new IllegalStateException("the broker is running");
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        launch();
        return;
      } catch (IllegalStateException e) {
        // A killed broker's ports can linger for a moment; anything else is a real failure.
        if (!log().contains("Address already in use") || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      reportErrors();
      stop();
    } catch (InterruptedException e) {
      if (process != null) {
        process.destroyForcibly();
      }
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the Kafka broker", e);
    } finally {
      deleteTree(directory);
    }
  }

  private void writeConfiguration() throws IOException {
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
    // One partition each for the internal topics (defaults 50): a single test broker starts,
    // recovers after a kill and serves its first transaction in seconds instead of half a minute.
    lines.add("offsets.topic.num.partitions=1");
    lines.add("transaction.state.log.num.partitions=1");
    if (flushPerWrite) {
      lines.add("log.flush.interval.messages=1");
    }
    Files.write(directory.resolve("server.properties"), lines, StandardCharsets.UTF_8);
    Files.writeString(
        directory.resolve("log4j2.properties"),
        """
        rootLogger.level = WARN
        rootLogger.appenderRef.out.ref = OUT
        appender.out.type = Console
        appender.out.name = OUT
        appender.out.layout.type = PatternLayout
        appender.out.layout.pattern = [%d] %p %m (%c)%n
        """);
  }

  private void format() throws IOException, InterruptedException {
    Path formatLog = directory.resolve("format.log");
    Process format =
        new ProcessBuilder(
                java(),
                "-cp",
                classpath,
                logConfig(),
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                directory.resolve("server.properties").toString())
            .redirectErrorStream(true)
            .redirectOutput(formatLog.toFile())
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException(
          "kafka.tools.StorageTool format failed: " + tail(readLines(formatLog)));
    }
  }

  /** Starts the broker process and waits until it answers; on failure it is gone again. */
  private synchronized void launch() {
    try {
      process =
          new ProcessBuilder(
                  java(),
                  "-Xms512m",
                  "-Xmx1g",
                  "-cp",
                  classpath,
                  logConfig(),
                  "kafka.Kafka",
                  directory.resolve("server.properties").toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    killer = new Thread(process::destroyForcibly, "kafka-broker-killer");
    Runtime.getRuntime().addShutdownHook(killer);
    try {
      awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      forget();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(
          "the Kafka broker did not start: " + e + "\n" + tail(readLines(logFile())), e);
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the broker exited with " + process.exitValue());
      }
      Properties properties = adminProperties();
      properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      try (Admin admin = Admin.create(properties)) {
        admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        last = new IllegalStateException(e.toString(), e);
        process.waitFor(200, TimeUnit.MILLISECONDS);
      }
    }
    throw new IllegalStateException("not ready after " + START_TIMEOUT, last);
  }

  private void forget() {
    if (killer != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    killer = null;
    process = null;
  }

  private Path logFile() {
    return directory.resolve("broker.log");
  }

  private String log() {
    return String.join("\n", readLines(logFile()));
  }

  private String logConfig() {
    return "-Dlog4j2.configurationFile=" + directory.resolve("log4j2.properties");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Copies the broker's first ERROR lines, each with the two lines after it (the exception), to
   * stderr: the broker's directory is removed.
   */
  private void reportErrors() {
    List<String> lines = readLines(logFile());
    int reported = 0;
    for (int i = 0; i < lines.size() && reported < 5; i++) {
      if (lines.get(i).contains(" ERROR ")) {
        reported++;
        for (int j = i; j < Math.min(lines.size(), i + 3); j++) {
          System.err.println("[kafka broker] " + lines.get(j));
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of("(no log: " + e.getMessage() + ")");
    }
  }

  private static String tail(List<String> lines) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
