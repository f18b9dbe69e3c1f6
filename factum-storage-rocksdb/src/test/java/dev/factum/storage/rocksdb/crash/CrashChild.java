package dev.factum.storage.rocksdb.crash;

import dev.factum.api.AppendRequest;
import dev.factum.api.AppendResult;
import dev.factum.api.ExpectedRevision;
import dev.factum.api.FactumException;
import dev.factum.api.MultiAppendResult;
import dev.factum.engine.FactumStore;
import dev.factum.storage.rocksdb.RocksDbEventStore;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The process that gets killed: opens the store, runs {@link CrashWorkload} from several writer
 * threads until it is killed, and reports to a journal file, line by line: {@code SENT w i} before
 * an append is submitted, {@code ACK w i stream firstRev lastRev firstPos lastPos} (one line per
 * stream) once it is acknowledged, {@code UNEXPECTED ...} on any failure the workload should never
 * meet. Lines reach the file (page cache) before the next step, so a SIGKILL loses none of them.
 *
 * <p>Arguments: data directory, journal file, cycle number, cycle seed, writer count.
 */
public final class CrashChild {
  private final OutputStream journal;

  private CrashChild(OutputStream journal) {
    this.journal = journal;
  }

  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args[0]);
    int cycle = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    int writers = Integer.parseInt(args[4]);
    try (OutputStream out = new FileOutputStream(args[1], true)) {
      CrashChild child = new CrashChild(out);
      FactumStore store = RocksDbEventStore.open(directory);
      child.line("READY");
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        threads.add(Thread.ofPlatform().start(() -> child.write(store, cycle, seed, writer)));
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
  }

  private void write(FactumStore store, int cycle, long seed, int writer) {
    Map<String, Long> privateRevisions = new HashMap<>();
    for (int index = 0; ; index++) {
      List<CrashWorkload.Part> parts = CrashWorkload.plan(cycle, seed, writer, index);
      List<AppendRequest> requests = new ArrayList<>();
      for (CrashWorkload.Part part : parts) {
        ExpectedRevision expected = ExpectedRevision.any();
        if (part.exact()) {
          long revision =
              privateRevisions.computeIfAbsent(
                  part.stream(), s -> store.streamState(s).lastRevision());
          expected = revision < 0 ? ExpectedRevision.noStream() : ExpectedRevision.exact(revision);
        }
        requests.add(new AppendRequest(part.stream(), expected, part.events()));
      }
      line("SENT " + writer + " " + index);
      List<AppendResult> results;
      try {
        if (requests.size() == 1) {
          results = List.of(store.append(requests.getFirst()));
        } else {
          MultiAppendResult multi = store.appendAll(requests);
          results = multi.results();
        }
      } catch (FactumException e) {
        line("UNEXPECTED " + writer + " " + index + " " + e.code() + " " + e.getMessage());
        return;
      }
      StringBuilder acks = new StringBuilder();
      for (AppendResult r : results) {
        acks.append("ACK ")
            .append(writer)
            .append(' ')
            .append(index)
            .append(' ')
            .append(r.stream())
            .append(' ')
            .append(r.firstRevision())
            .append(' ')
            .append(r.lastRevision())
            .append(' ')
            .append(r.firstPosition())
            .append(' ')
            .append(r.lastPosition())
            .append('\n');
        if (privateRevisions.containsKey(r.stream())) {
          privateRevisions.put(r.stream(), r.lastRevision());
        }
      }
      write(acks.toString());
    }
  }

  private void line(String line) {
    write(line + "\n");
  }

  private synchronized void write(String lines) {
    try {
      journal.write(lines.getBytes(StandardCharsets.UTF_8));
      journal.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
