package dev.factum.kafka;

import dev.factum.api.AppendResult;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.LogFilter;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The Factum process of the crash test of {@link KafkaSinkTest}: opens the store and its sinks
 * (creating sink {@code crash} the first time), then either appends from {@code writers} threads
 * until it is killed, writing {@code ACK stream revision position} to the journal after each
 * acknowledged append and {@code AT next} whenever the sink's position (past what it committed to
 * Kafka) moves, or (with 0 writers) waits until the sink has forwarded the whole log, writes {@code
 * DRAINED} and exits. The journal is written without fsync: a kill -9 keeps what the process wrote.
 */
public final class SinkCrashChild {
  static final String SINK = "crash";
  static final String TOPIC = "crash";
  static final int STREAMS = 12;

  private SinkCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    String bootstrap = args[1];
    Path journal = Path.of(args[2]);
    int writers = Integer.parseInt(args[3]);
    try (OutputStream out = new FileOutputStream(journal.toFile(), true);
        FactumStore store = RocksDbEventStore.open(directory);
        KafkaSinks sinks = KafkaSinks.start(store)) {
      if (sinks.list().isEmpty()) {
        sinks.create(SinkDefinition.kafka(SINK, LogFilter.none(), TOPIC, bootstrap));
      }
      if (writers == 0) {
        while (sinks.status(SINK).lagEvents() > 0) {
          LockSupport.parkNanos(20_000_000);
        }
        write(out, "DRAINED");
        return;
      }
      Thread monitor = new Thread(() -> report(sinks, out), "monitor");
      monitor.setDaemon(true);
      monitor.start();
      for (int w = 0; w < writers; w++) {
        Thread writer = new Thread(() -> append(store, out), "writer-" + w);
        writer.setDaemon(true);
        writer.start();
      }
      Thread.currentThread().join(); // until killed
    }
  }

  /**
   * Writes {@code AT next} whenever the sink's committed position moves and {@code ERR errors}
   * whenever its count of failed attempts grows.
   */
  private static void report(KafkaSinks sinks, OutputStream out) {
    long reported = -1;
    long errors = 0;
    while (true) {
      SinkStatus status = sinks.status(SINK);
      try {
        if (status.next() > reported) {
          reported = status.next();
          write(out, "AT " + reported);
        }
        if (status.errors() > errors) {
          errors = status.errors();
          write(out, "ERR " + errors);
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      LockSupport.parkNanos(20_000_000);
    }
  }

  private static void append(FactumStore store, OutputStream out) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      String stream = "s-" + random.nextInt(STREAMS);
      AppendResult result =
          store.append(
              stream,
              ExpectedRevision.any(),
              List.of(EventData.json("E", "{\"n\":" + random.nextInt(1000) + "}")));
      try {
        write(out, "ACK " + stream + " " + result.lastRevision() + " " + result.lastPosition());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static void write(OutputStream out, String line) throws IOException {
    synchronized (out) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
