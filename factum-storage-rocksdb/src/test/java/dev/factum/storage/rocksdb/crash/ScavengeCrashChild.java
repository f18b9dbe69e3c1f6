package dev.factum.storage.rocksdb.crash;

import dev.factum.api.AppendResult;
import dev.factum.api.Direction;
import dev.factum.api.EventData;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.RecordedEvent;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The process {@link ScavengeCrashTest} kills: opens the store (which resumes a scavenging run the
 * last child left unfinished), starts a slow run, and meanwhile appends to the streams from two
 * writers and reads them from a reader, journalling {@code ACK stream revision position data} per
 * acknowledged event and {@code UNEXPECTED ...} when a read serves an event its stream's {@code
 * maxCount} hides (or an append fails). Lines reach the page cache before the next step, so a
 * SIGKILL loses none that were written.
 *
 * <p>Arguments: data directory, journal file, cycle, streams, maxCount, events per second.
 */
public final class ScavengeCrashChild {
  private final OutputStream journal;

  private ScavengeCrashChild(OutputStream journal) {
    this.journal = journal;
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int cycle = Integer.parseInt(args[2]);
    int streams = Integer.parseInt(args[3]);
    long maxCount = Long.parseLong(args[4]);
    long rate = Long.parseLong(args[5]);
    try (OutputStream out = new FileOutputStream(args[1], true)) {
      ScavengeCrashChild child = new ScavengeCrashChild(out);
      FactumStore store = RocksDbEventStore.open(directory);
      store.startScavenge(rate);
      child.line("READY");
      for (int w = 0; w < 2; w++) {
        int writer = w;
        Thread.ofPlatform().start(() -> child.write(store, cycle, writer, streams));
      }
      Thread reader = Thread.ofPlatform().start(() -> child.read(store, streams, maxCount));
      reader.join();
    }
  }

  private void write(FactumStore store, int cycle, int writer, int streams) {
    for (int i = 0; ; i++) {
      String stream = ScavengeCrashTest.stream(i % streams);
      String data = "{\"c\":" + cycle + ",\"w\":" + writer + ",\"i\":" + i + "}";
      try {
        AppendResult r =
            store.append(stream, ExpectedRevision.any(), List.of(EventData.json("Added", data)));
        line("ACK " + stream + " " + r.lastRevision() + " " + r.lastPosition() + " " + data);
      } catch (FactumException e) {
        line("UNEXPECTED append " + e.code() + " " + e.getMessage());
        return;
      }
    }
  }

  /** Every read serves only the newest {@code maxCount} revisions as of the read (or newer). */
  private void read(FactumStore store, int streams, long maxCount) {
    for (int i = 0; ; i++) {
      String stream = ScavengeCrashTest.stream(i % streams);
      try {
        long lastBefore = store.streamState(stream).lastRevision();
        List<RecordedEvent> events = store.readStream(stream, 0, Direction.FORWARD, 1000).events();
        for (RecordedEvent event : events) {
          if (event.revision() < lastBefore + 1 - maxCount) {
            line(
                "UNEXPECTED invisible " + stream + "@" + event.revision() + " after " + lastBefore);
          }
        }
        for (int k = 1; k < events.size(); k++) {
          if (events.get(k).revision() != events.get(k - 1).revision() + 1) {
            line("UNEXPECTED gap " + stream + " at " + events.get(k).revision());
          }
        }
      } catch (FactumException e) {
        line("UNEXPECTED read " + e.code() + " " + e.getMessage());
        return;
      }
    }
  }

  private synchronized void line(String line) {
    try {
      journal.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      journal.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
