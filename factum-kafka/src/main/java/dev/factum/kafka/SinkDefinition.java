package dev.factum.kafka;

import dev.factum.api.InvalidArgumentException;
import dev.factum.api.LogFilter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a sink forwards and where: a name, a {@code kind} (today only {@value #KAFKA}; the seam for
 * other kinds such as webhooks), a filter of the log (the whole log, categories, types or tags), a
 * topic (fixed, or a pattern with {@value #CATEGORY} replaced by the event's category), the Kafka
 * bootstrap servers and extra producer properties, and whether it is paused.
 *
 * <p>What must stay true: a definition that exists was valid when it was made (the constructor is
 * the one place that checks), and the properties the exactly-once protocol depends on cannot be
 * overridden: {@code enable.idempotence}, {@code acks}, the serializers and the isolation of the
 * producer belong to the sink. {@code transactional.id} may be set (it must then be unique across
 * every Factum that shares the cluster); by default it is {@code factum-sink-<name>}.
 */
public record SinkDefinition(
    String name,
    String kind,
    LogFilter filter,
    String topic,
    String bootstrapServers,
    Map<String, String> producerProperties,
    boolean paused) {
  public static final String KAFKA = "kafka";

  /** The placeholder of a per-category topic pattern. */
  public static final String CATEGORY = "{category}";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final Set<String> RESERVED_PROPERTIES =
      Set.of(
          "enable.idempotence",
          "acks",
          "key.serializer",
          "value.serializer",
          "bootstrap.servers",
          "transaction.timeout.ms");

  public SinkDefinition {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidArgumentException(
          "a sink name is 1 to 100 of A-Z a-z 0-9 . _ - (got '" + name + "')");
    }
    if (!KAFKA.equals(kind)) {
      throw new InvalidArgumentException("sink kind must be '" + KAFKA + "' (got '" + kind + "')");
    }
    if (filter == null) {
      filter = LogFilter.none();
    }
    if (filter.kind() == LogFilter.Kind.QUERY) {
      throw new InvalidArgumentException("a sink filters by category, type or tag, not by query");
    }
    if (topic == null || !TOPIC.matcher(topic.replace(CATEGORY, "c")).matches()) {
      throw new InvalidArgumentException(
          "a sink topic is 1 to 200 of A-Z a-z 0-9 . _ -, optionally with "
              + CATEGORY
              + " (got '"
              + topic
              + "')");
    }
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new InvalidArgumentException("a sink needs bootstrap servers (host:port,...)");
    }
    producerProperties =
        producerProperties == null ? Map.of() : Map.copyOf(new TreeMap<>(producerProperties));
    for (String property : producerProperties.keySet()) {
      if (RESERVED_PROPERTIES.contains(property)) {
        throw new InvalidArgumentException(
            "producer property '" + property + "' is set by the sink and cannot be overridden");
      }
    }
  }

  /** A running Kafka sink of {@code filter} to {@code topic}. */
  public static SinkDefinition kafka(
      String name, LogFilter filter, String topic, String bootstrapServers) {
    return new SinkDefinition(name, KAFKA, filter, topic, bootstrapServers, Map.of(), false);
  }

  public SinkDefinition withProducerProperties(Map<String, String> properties) {
    return new SinkDefinition(name, kind, filter, topic, bootstrapServers, properties, paused);
  }

  public SinkDefinition withPaused(boolean paused) {
    return new SinkDefinition(
        name, kind, filter, topic, bootstrapServers, producerProperties, paused);
  }

  /** The producer's {@code transactional.id}: one per sink, so a restarted sink fences a zombie. */
  public String transactionalId() {
    return producerProperties.getOrDefault("transactional.id", "factum-sink-" + name);
  }

  /** The compacted topic, one partition, that holds this sink's committed checkpoint. */
  public String checkpointTopic() {
    return transactionalId() + ".checkpoint";
  }

  /** The topic an event of {@code category} goes to; characters Kafka refuses become '_'. */
  String topicFor(String category) {
    if (!topic.contains(CATEGORY)) {
      return topic;
    }
    String resolved = topic.replace(CATEGORY, category.isEmpty() ? "_" : category);
    StringBuilder clean = new StringBuilder(resolved.length());
    for (int i = 0; i < resolved.length() && clean.length() < 249; i++) {
      char c = resolved.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      clean.append(legal ? c : '_');
    }
    return clean.toString();
  }
}
