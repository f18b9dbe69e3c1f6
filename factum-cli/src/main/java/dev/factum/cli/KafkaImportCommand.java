package dev.factum.cli;

import dev.factum.cli.KafkaImport.Start;
import dev.factum.cli.KafkaRecordMapping.StreamRule;
import dev.factum.cli.KafkaRecordMapping.Unkeyed;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code factum import --from-kafka}: the options of a Kafka import, turned into a {@link
 * KafkaRecordMapping} and a {@link KafkaImport} run against the server. Kept apart from the file
 * import so that the Kafka client is loaded only when it is asked for.
 */
final class KafkaImportCommand {
  static final String USAGE =
      """
      Usage: factum import --from-kafka --bootstrap HOST:PORT --topic T [options] [--url URL]

      Reads every partition of topic T up to its end offsets at the start and appends each record
      as an event of the stream its key names, in offset order. Event ids are derived from
      (topic, partition, offset), and the consumed offsets are committed to the Kafka consumer
      group of the import after each durable append, so a rerun (after an interruption, or
      later, for what arrived since) resumes and never writes a record twice.

        --stream RULE        key (default): the key is the stream; prefix:P: P followed by the key;
                             header:H: the value of header H
        --unkeyed POLICY     for records without a usable key or header: skip (default, counted)
                             or stream:NAME (append them to stream NAME)
        --type NAME          the event type (default KafkaRecord)
        --type-header H      take the type from header H where present (else --type)
        --non-json POLICY    for values that are not JSON (and null values): skip (default,
                             counted) or raw (stored as application/octet-stream)
        --from WHERE         committed (default: the group's offsets, else the beginning),
                             beginning, or offsets:P:O,P:O (partitions not named: committed)
        --group ID           the Kafka consumer group holding the progress
                             (default factum-import-T)
        --kafka-property K=V a consumer property (repeatable; e.g. security.protocol=SSL)
        --url URL            server address (env FACTUM_URL, default http://127.0.0.1:7117)
        --cacert PEM         CA certificate(s) to trust for an https:// URL (env FACTUM_CACERT)
        --api-key KEY        API key for a server with auth on (env FACTUM_API_KEY)

      Each event carries the record's topic, partition, offset, timestamp and UTF-8 headers in its
      metadata ({"kafka": {...}}). A summary of what went where ends the run.""";

  private static final Set<String> VALUED =
      Set.of(
          "bootstrap",
          "topic",
          "stream",
          "unkeyed",
          "type",
          "type-header",
          "non-json",
          "from",
          "group",
          "kafka-property",
          "url",
          "cacert",
          "api-key");

  private KafkaImportCommand() {}

  static int run(String[] argv, PrintStream out, PrintStream err) {
    return run(argv, out, err, records -> {});
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, calling {@code afterAppend} (tests). */
  static int run(String[] argv, PrintStream out, PrintStream err, Consumer<Integer> afterAppend) {
    Args args = new Args(argv, 1, VALUED, Set.of("from-kafka"), Set.of("kafka-property"));
    if (!args.positional().isEmpty()) {
      throw new Args.UsageException("a Kafka import takes no FILE");
    }
    String bootstrap = required(args, "bootstrap");
    String topic = required(args, "topic");
    KafkaRecordMapping mapping =
        new KafkaRecordMapping(
            streamRule(args.get("stream", "key")),
            unkeyed(args.get("unkeyed", "skip")),
            typeName(args.get("type", "KafkaRecord"), "--type"),
            args.get("type-header"),
            nonJsonKept(args.get("non-json", "skip")));
    Start start = start(args.get("from", "committed"));
    // Defaults first, then the operator's properties, then what the import's guarantees need.
    Properties properties = new Properties();
    properties.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
    for (String property : args.all("kafka-property")) {
      int eq = property.indexOf('=');
      if (eq <= 0) {
        throw new Args.UsageException("--kafka-property must be KEY=VALUE, was '" + property + "'");
      }
      properties.setProperty(property.substring(0, eq), property.substring(eq + 1));
    }
    properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.setProperty(
        ConsumerConfig.GROUP_ID_CONFIG, args.get("group", "factum-import-" + topic));
    properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (Remote remote = new Remote(args);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      KafkaImport.Summary summary =
          new KafkaImport(consumer, topic, mapping, remote, err, afterAppend)
              .run(start, Duration.ofMillis(500));
      summary.print(out, 20);
      return 0;
    } catch (KafkaException e) {
      throw new Factum.CommandFailure("Kafka (" + bootstrap + "): " + e.getMessage());
    }
  }

  private static String required(Args args, String name) {
    String value = args.get(name);
    if (value == null || value.isBlank()) {
      throw new Args.UsageException("--from-kafka needs --" + name);
    }
    return value;
  }

  private static StreamRule streamRule(String rule) {
    if (rule.equals("key")) {
      return new StreamRule.Key();
    }
    if (rule.startsWith("prefix:") && rule.length() > "prefix:".length()) {
      return new StreamRule.PrefixedKey(rule.substring("prefix:".length()));
    }
    if (rule.startsWith("header:") && rule.length() > "header:".length()) {
      return new StreamRule.FromHeader(rule.substring("header:".length()));
    }
    throw new Args.UsageException("--stream must be key, prefix:P or header:H, was '" + rule + "'");
  }

  private static Unkeyed unkeyed(String policy) {
    if (policy.equals("skip")) {
      return new Unkeyed.Skip();
    }
    if (policy.startsWith("stream:")) {
      return new Unkeyed.ToStream(typeName(policy.substring("stream:".length()), "--unkeyed"));
    }
    throw new Args.UsageException("--unkeyed must be skip or stream:NAME, was '" + policy + "'");
  }

  private static boolean nonJsonKept(String policy) {
    return switch (policy) {
      case "skip" -> false;
      case "raw" -> true;
      default ->
          throw new Args.UsageException("--non-json must be skip or raw, was '" + policy + "'");
    };
  }

  private static String typeName(String name, String option) {
    if (!KafkaRecordMapping.validName(name)) {
      throw new Args.UsageException(
          option
              + " must name 1 to 256 bytes without controls or a leading '$', was '"
              + name
              + "'");
    }
    return name;
  }

  private static Start start(String from) {
    if (from.equals("committed")) {
      return new Start.Committed();
    }
    if (from.equals("beginning")) {
      return new Start.Beginning();
    }
    if (from.startsWith("offsets:")) {
      Map<Integer, Long> offsets = new LinkedHashMap<>();
      for (String pair : from.substring("offsets:".length()).split(",")) {
        String[] parts = pair.trim().split(":");
        try {
          if (parts.length != 2) {
            throw new NumberFormatException(pair);
          }
          int partition = Integer.parseInt(parts[0]);
          long offset = Long.parseLong(parts[1]);
          if (partition < 0 || offset < 0) {
            throw new NumberFormatException(pair);
          }
          offsets.put(partition, offset);
        } catch (NumberFormatException e) {
          throw new Args.UsageException("--from offsets needs P:O pairs, was '" + pair + "'");
        }
      }
      return new Start.Offsets(offsets);
    }
    throw new Args.UsageException(
        "--from must be committed, beginning or offsets:P:O,P:O, was '" + from + "'");
  }
}
