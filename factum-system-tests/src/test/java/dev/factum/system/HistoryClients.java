package dev.factum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.tck.history.HistoryRecorder;
import dev.factum.tck.history.Operation;
import dev.factum.tck.history.Operation.AppendOutcome;
import dev.factum.tck.history.Operation.ReadEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent HTTP clients racing on a few hot streams, recording every append and whole-stream read
 * they make into a {@link HistoryRecorder} for the {@link
 * dev.factum.tck.history.LinearizabilityChecker}.
 *
 * <p>Design note: the clients are built to provoke what the checker judges. Each keeps its own
 * (often stale) idea of every stream's revision, from its last read or answer, and mostly appends
 * with that exact expected revision, so many clients race for the same revision and most lose with
 * a conflict; some appends use {@code any}, a few {@code no_stream} on streams that exist. Each
 * request goes to a server picked at random from the list (one server, or several over one shared
 * database). Choices come from the seed; the interleaving is real time. After the clients stop, one
 * more read of every stream settles appends of unknown outcome.
 *
 * <p>No server is killed while a history is recorded, so nothing explains a request that fails: an
 * append of unknown outcome (a 5xx, any answer but 200 or a conflict, a broken connection) or a
 * failed read fails the run, with a bound of zero, after the history is complete.
 */
final class HistoryClients {
  private HistoryClients() {}

  static List<Operation> run(
      List<ServerProcess> servers, List<String> streams, int clients, long millis, long seed)
      throws InterruptedException {
    HistoryRecorder recorder = new HistoryRecorder();
    AtomicLong ids = new AtomicLong();
    long deadline = System.nanoTime() + millis * 1_000_000;
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<String> unexplained = new CopyOnWriteArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      SplittableRandom random = new SplittableRandom(seed + c);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      runClient(
                          client,
                          servers,
                          streams,
                          random,
                          recorder,
                          ids,
                          seed,
                          deadline,
                          unexplained);
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("a client failed", failures.getFirst());
    }
    if (!unexplained.isEmpty()) {
      throw new AssertionError(
          unexplained.size()
              + " requests failed with no kill to explain them (the bound is zero); the first: "
              + unexplained.subList(0, Math.min(5, unexplained.size())));
    }
    for (String stream : streams) {
      try {
        read(-1, servers.getFirst(), stream, recorder);
      } catch (IOException e) {
        throw new AssertionError("the final read of " + stream + " failed", e);
      }
    }
    return recorder.history();
  }

  private static void runClient(
      int client,
      List<ServerProcess> servers,
      List<String> streams,
      SplittableRandom random,
      HistoryRecorder recorder,
      AtomicLong ids,
      long seed,
      long deadline,
      List<String> unexplained)
      throws InterruptedException {
    long[] known = new long[streams.size()];
    Arrays.fill(known, Operation.NO_STREAM);
    while (System.nanoTime() < deadline) {
      int s = random.nextInt(streams.size());
      String stream = streams.get(s);
      ServerProcess server = servers.get(random.nextInt(servers.size()));
      int choice = random.nextInt(100);
      try {
        if (choice < 40) {
          known[s] = read(client, server, stream, recorder);
          continue;
        }
        long expected = choice < 80 ? known[s] : choice < 92 ? Operation.ANY : Operation.NO_STREAM;
        List<UUID> events = new ArrayList<>();
        for (int e = 1 + random.nextInt(2); e > 0; e--) {
          events.add(new UUID(seed, ids.getAndIncrement()));
        }
        AppendOutcome outcome;
        long invoked = HistoryRecorder.now();
        try {
          outcome = append(server, stream, expected, events);
        } catch (IOException e) {
          outcome = new Operation.Unknown(e.toString());
        }
        recorder.record(
            new Operation.Append(
                client, stream, expected, events, invoked, HistoryRecorder.now(), outcome));
        switch (outcome) {
          case Operation.Ok ok -> known[s] = ok.lastRevision();
          case Operation.Conflict conflict -> known[s] = conflict.actualRevision();
          case Operation.ConditionFailed failed -> {
            // no condition is sent by these clients
          }
          case Operation.Unknown unknown ->
              unexplained.add("append to " + stream + " on " + server.uri + ": " + unknown);
        }
      } catch (IOException e) {
        // not recorded (it tells the checker nothing), but nothing explains it either
        unexplained.add("read of " + stream + " on " + server.uri + ": " + e);
      }
    }
  }

  private static AppendOutcome append(
      ServerProcess server, String stream, long expected, List<UUID> events)
      throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder("{\"expectedRevision\":");
    if (expected == Operation.ANY) {
      body.append("\"any\"");
    } else if (expected == Operation.NO_STREAM) {
      body.append("\"no_stream\"");
    } else {
      body.append(expected);
    }
    body.append(",\"events\":[");
    for (int i = 0; i < events.size(); i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(events.get(i))
          .append("\",\"type\":\"Raced\",\"data\":{\"i\":")
          .append(i)
          .append("}}");
    }
    ServerProcess.Reply reply = server.post("/streams/" + stream, body.append("]}").toString());
    JsonNode json = reply.status() == 200 || reply.status() == 409 ? reply.json() : null;
    if (reply.status() == 200) {
      return new Operation.Ok(
          json.get("firstRevision").asLong(),
          json.get("nextExpectedRevision").asLong(),
          json.get("firstPosition").asLong(),
          json.get("position").asLong());
    }
    if (reply.status() == 409 && json.path("code").asText().equals("wrong-expected-revision")) {
      JsonNode actual = json.get("actualRevision");
      return new Operation.Conflict(
          actual == null || actual.isNull() ? Operation.NO_STREAM : actual.asLong());
    }
    return new Operation.Unknown("HTTP " + reply.status() + ": " + reply.body());
  }

  /** Reads the whole stream, records the read, returns the last revision (NO_STREAM if none). */
  private static long read(
      int client, ServerProcess server, String stream, HistoryRecorder recorder)
      throws IOException, InterruptedException {
    long invoked = HistoryRecorder.now();
    List<ReadEvent> events = new ArrayList<>();
    for (JsonNode event : server.readPages("/streams/" + stream + "?from=0&limit=1000")) {
      events.add(
          new ReadEvent(
              UUID.fromString(event.get("id").asText()),
              event.get("revision").asLong(),
              event.get("position").asLong()));
    }
    recorder.record(new Operation.Read(client, stream, events, invoked, HistoryRecorder.now()));
    return events.isEmpty() ? Operation.NO_STREAM : events.getLast().revision();
  }
}
