package dev.factum.engine;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates event ids for events appended without one: time-ordered UUIDs (version 7), so that the
 * event-id index receives mostly ascending keys, which keeps its writes cheap.
 */
final class EventIds {
  private EventIds() {}

  static UUID next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
