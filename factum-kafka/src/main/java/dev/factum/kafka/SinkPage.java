package dev.factum.kafka;

import dev.factum.api.Direction;
import dev.factum.api.ReadPage;
import dev.factum.api.RecordedEvent;
import dev.factum.api.SystemStreams;
import dev.factum.engine.FactumStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One page of the log made ready to send: read from the store and encoded into Kafka records
 * (events of system streams left out), with the position after it. Making a page touches only the
 * store (a read) and memory, never Kafka, so {@link SinkRunner} makes the next page on another
 * thread while the current page's transaction commits.
 *
 * <p>What must stay true: a page is a pure function of the log, the definition and {@code from};
 * making one has no effect a failure would have to undo, so a page prepared and then thrown away (a
 * failed commit, a pause, a lost lease) costs only the work of making it.
 */
record SinkPage(
    long from, int events, List<ProducerRecord<byte[], byte[]>> records, long next, boolean end) {
  static SinkPage read(FactumStore store, SinkDefinition definition, long from, int limit) {
    ReadPage page = store.readAll(from, Direction.FORWARD, limit, definition.filter());
    List<RecordedEvent> events = page.events();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
    try (EventRecords.Encoder encoder = new EventRecords.Encoder()) {
      for (RecordedEvent event : events) {
        if (!SystemStreams.isReserved(event.stream())) {
          records.add(encoder.record(definition, event));
        }
      }
    }
    return new SinkPage(
        from, events.size(), records, Math.max(from, page.next()), page.endOfRead());
  }
}
