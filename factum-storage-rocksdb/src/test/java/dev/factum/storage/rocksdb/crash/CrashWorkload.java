package dev.factum.storage.rocksdb.crash;

import dev.factum.api.EventData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The deterministic workload of the crash test, shared by the child that writes it and the parent
 * that checks it: every append is a pure function of (cycle seed, writer, index), so the parent can
 * regenerate the exact bytes of any event it finds or was promised, and decode which append an
 * event belongs to from its id alone.
 *
 * <p>Each writer owns private streams ({@code own-<writer>-<k>}, appended with an exact expected
 * revision, which must never conflict) and shares {@code shared-<k>} with the others ({@code any}).
 * One append in five is an atomic append to one private and one shared stream.
 */
final class CrashWorkload {
  static final int PRIVATE_STREAMS = 3;
  static final int SHARED_STREAMS = 20;

  /** One stream's part of an append. */
  record Part(String stream, boolean exact, List<EventData> events) {}

  private CrashWorkload() {}

  static List<Part> plan(int cycle, long cycleSeed, int writer, int index) {
    SplittableRandom random =
        new SplittableRandom(cycleSeed ^ ((long) writer << 40) ^ index * 0x9E3779B97F4A7C15L);
    List<Part> parts = new ArrayList<>();
    int eventIndex = 0;
    boolean multi = random.nextInt(5) == 0;
    boolean privateFirst = multi || random.nextBoolean();
    if (privateFirst) {
      String stream = "own-" + writer + "-" + random.nextInt(PRIVATE_STREAMS);
      int count = 1 + random.nextInt(4);
      parts.add(new Part(stream, true, events(cycle, writer, index, eventIndex, count, random)));
      eventIndex += count;
    }
    if (multi || !privateFirst) {
      String stream = "shared-" + random.nextInt(SHARED_STREAMS);
      int count = 1 + random.nextInt(4);
      parts.add(new Part(stream, false, events(cycle, writer, index, eventIndex, count, random)));
    }
    return parts;
  }

  private static List<EventData> events(
      int cycle, int writer, int index, int firstEvent, int count, SplittableRandom random) {
    List<EventData> events = new ArrayList<>(count);
    for (int e = firstEvent; e < firstEvent + count; e++) {
      String pad = "x".repeat(random.nextInt(400));
      String json =
          "{\"cycle\":"
              + cycle
              + ",\"writer\":"
              + writer
              + ",\"append\":"
              + index
              + ",\"event\":"
              + e
              + ",\"pad\":\""
              + pad
              + "\"}";
      events.add(
          new EventData(
              id(cycle, writer, index, e),
              "Type" + e % 3,
              EventData.JSON,
              json.getBytes(StandardCharsets.UTF_8),
              random.nextBoolean()
                  ? ("{\"w\":" + writer + "}").getBytes(StandardCharsets.UTF_8)
                  : null,
              random.nextInt(3) == 0 ? Set.of("w" + writer) : Set.of()));
    }
    return events;
  }

  /** An id that names its append: cycle, writer, append index and event index. */
  static UUID id(int cycle, int writer, int index, int event) {
    return new UUID(
        ((long) cycle << 48) | ((long) writer << 32) | index, 0xFAC7_0000_0000_0000L | event);
  }

  /** Which append an event id belongs to: {cycle, writer, index, event}, or null if foreign. */
  static int[] decode(UUID id) {
    if ((id.getLeastSignificantBits() & 0xFFFF_0000_0000_0000L) != 0xFAC7_0000_0000_0000L) {
      return null;
    }
    long msb = id.getMostSignificantBits();
    return new int[] {
      (int) (msb >>> 48),
      (int) ((msb >>> 32) & 0xFFFF),
      (int) msb,
      (int) id.getLeastSignificantBits()
    };
  }
}
