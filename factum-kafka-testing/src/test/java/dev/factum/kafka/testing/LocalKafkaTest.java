package dev.factum.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {
  @TempDir Path temp;

  @Test
  void aKilledAndAStoppedBrokerComeBackOnTheSamePortWithTheirData() throws Exception {
    Path directory = temp.resolve("kafka");
    try (LocalKafka kafka = LocalKafka.start(directory)) {
      String bootstrap = kafka.bootstrap();
      produce(bootstrap, "before-kill");
      long firstPid = kafka.pid();

      kafka.kill();
      assertThat(kafka.isRunning()).isFalse();
      kafka.restart();
      assertThat(kafka.bootstrap()).isEqualTo(bootstrap);
      assertThat(kafka.pid()).isNotEqualTo(firstPid);
      produce(bootstrap, "after-kill");

      kafka.stop();
      kafka.restart();
      assertThat(readAll(bootstrap)).containsExactly("before-kill", "after-kill");
    }
    assertThat(Files.exists(directory)).isFalse();
  }

  private static void produce(String bootstrap, String value) throws Exception {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("t", value)).get();
    }
  }

  private static List<String> readAll(String bootstrap) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition("t", 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }
}
