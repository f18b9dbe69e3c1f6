package dev.factum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.factum.system.ReferenceRecord.Ack;
import dev.factum.system.ReferenceRecord.Append;
import dev.factum.system.ReferenceRecord.Part;
import dev.factum.system.ReferenceRecord.SentEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded, seeded HTTP workload of {@link PowerLossTest}: a few writers, each sending a fixed
 * number of appends, every one entered in the {@link ReferenceRecord} before it is sent.
 *
 * <p>Design note: each writer owns two streams appended to with exact expected revisions, and every
 * third append is multi-stream ({@code POST /append}) across an owned stream and a shared one
 * ({@code any}). Every event carries binary data (random bytes, so the comparison after the cut is
 * of bytes, not of JSON equivalence), metadata and tags; {@link #sent} keeps what was sent for the
 * byte-for-byte check. Metadata is spelled as no serializer would (white space, {@code -0}, an
 * escape, characters beyond the Basic Multilingual Plane), so only storage that keeps the bytes
 * sent passes the comparison. A writer stops at its first connection failure or 5xx (the power is
 * gone: that append is unknown); any other refusal is a broken promise, kept in {@link #failures}.
 * The workload is the same for one seed, so a run that only counts the file system's syncs and the
 * runs that cut at each of them see (nearly) the same crash points.
 */
final class PowerLossLoad {
  static final int WRITERS = 3;

  /** What an event carried besides its id and type: compared byte for byte after the cut. */
  record Extra(byte[] data, byte[] metadata, TreeSet<String> tags) {}

  final Map<UUID, Extra> sent = new ConcurrentHashMap<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  final AtomicLong acknowledged = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final ServerProcess server;
  private final ReferenceRecord record;

  PowerLossLoad(ServerProcess server, ReferenceRecord record, int appendsPerWriter, long seed) {
    this.server = server;
    this.record = record;
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      SplittableRandom random = new SplittableRandom(seed + w);
      threads.add(Thread.ofPlatform().start(() -> run(writer, appendsPerWriter, random)));
    }
  }

  void awaitEnd() throws InterruptedException {
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private void run(int writer, int appends, SplittableRandom random) {
    long[] heads = {-1, -1};
    for (int a = 0; a < appends; a++) {
      long number = record.nextNumber();
      int slot = random.nextInt(2);
      boolean multi = a % 3 == 2;
      int[] index = {0};
      List<Part> parts = new ArrayList<>();
      String owned = "own-" + writer + "-" + slot;
      parts.add(
          part(
              owned,
              heads[slot] < 0 ? "no_stream" : Long.toString(heads[slot]),
              number,
              index,
              random));
      if (multi) {
        parts.add(part("shared-" + random.nextInt(2), "any", number, index, random));
      }
      Append append = record.enter(number, parts, multi);
      ServerProcess.Reply reply;
      try {
        reply =
            multi
                ? server.post("/append", multiBody(parts))
                : server.post("/streams/" + owned, singleBody(parts.getFirst()));
      } catch (IOException | InterruptedException gone) {
        append.unknown();
        return;
      }
      try {
        if (reply.status() == 200) {
          JsonNode body = reply.json();
          List<Ack> acks = new ArrayList<>();
          for (JsonNode result : multi ? body.get("results") : List.of(body)) {
            acks.add(
                new Ack(
                    result.get("firstRevision").asLong(), result.get("firstPosition").asLong()));
          }
          append.acknowledged(acks);
          heads[slot] = acks.getFirst().firstRevision() + parts.getFirst().events().size() - 1;
          acknowledged.incrementAndGet();
        } else if (reply.status() >= 500) {
          append.unknown();
          return;
        } else {
          append.rejected();
          failures.add(append + " answered " + reply.status() + ": " + reply.body());
          return;
        }
      } catch (IOException | RuntimeException e) {
        append.unknown();
        failures.add(append + ": could not read the reply " + reply + ": " + e);
        return;
      }
    }
  }

  private Part part(
      String stream, String expected, long number, int[] index, SplittableRandom random) {
    List<SentEvent> events = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int e = 0; e < count; e++) {
      int i = index[0]++;
      byte[] data = new byte[random.nextInt(400)];
      random.nextBytes(data);
      String metadata =
          "{ \"append\": "
              + number
              + ",\"event\":"
              + i
              + ",\"note\":\""
              + "é€ü😀\\u00e9".repeat(random.nextInt(3))
              + "\",\"z\":-0,\"n\":"
              + random.nextLong()
              + " }";
      TreeSet<String> tags = new TreeSet<>();
      for (int t = random.nextInt(4); t > 0; t--) {
        tags.add("tag-" + random.nextInt(5));
      }
      UUID id = record.eventId(number, i);
      sent.put(id, new Extra(data, metadata.getBytes(StandardCharsets.UTF_8), tags));
      events.add(
          new SentEvent(
              id,
              "PowerLoss" + random.nextInt(3),
              "\"" + Base64.getEncoder().encodeToString(data) + "\""));
    }
    return new Part(stream, expected, events);
  }

  private StringBuilder events(StringBuilder body, Part part) {
    body.append("\"events\":[");
    for (int e = 0; e < part.events().size(); e++) {
      SentEvent event = part.events().get(e);
      Extra extra = sent.get(event.id());
      body.append(e == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(event.id())
          .append("\",\"type\":\"")
          .append(event.type())
          .append("\",\"contentType\":\"application/octet-stream\",\"data\":")
          .append(event.data())
          .append(",\"metadata\":")
          .append(new String(extra.metadata(), StandardCharsets.UTF_8))
          .append(",\"tags\":[");
      int t = 0;
      for (String tag : extra.tags()) {
        body.append(t++ == 0 ? "" : ",").append('"').append(tag).append('"');
      }
      body.append("]}");
    }
    return body.append(']');
  }

  private static String expectedJson(Part part) {
    return part.exact() && !part.expected().equals("no_stream")
        ? part.expected()
        : "\"" + part.expected() + "\"";
  }

  private String singleBody(Part part) {
    StringBuilder body =
        new StringBuilder("{\"expectedRevision\":").append(expectedJson(part)).append(',');
    return events(body, part).append('}').toString();
  }

  private String multiBody(List<Part> parts) {
    StringBuilder body = new StringBuilder("{\"appends\":[");
    for (int p = 0; p < parts.size(); p++) {
      Part part = parts.get(p);
      body.append(p == 0 ? "" : ",")
          .append("{\"stream\":\"")
          .append(part.stream())
          .append("\",\"expectedRevision\":")
          .append(expectedJson(part))
          .append(',');
      events(body, part).append('}');
    }
    return body.append("]}").toString();
  }
}
