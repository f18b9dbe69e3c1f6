package dev.factum.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event bodies for the write workloads: realistic JSON objects (an order placed), each padded to
 * exactly {@link #SIZE} bytes of UTF-8 through a trailing note field.
 *
 * <p>A fixed pool of distinct bodies is made once, so the load generator spends its CPU on the
 * store, not on building JSON, while the data still varies (compression sees realistic input). The
 * arrays are shared between events and must never be changed.
 */
public final class Payloads {
  public static final int SIZE = 200;
  private static final int POOL = 4_096;
  private static final String[] STATUSES = {"PLACED", "PAID", "PACKED", "SHIPPED"};
  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};

  private final byte[][] pool = new byte[POOL][];

  public Payloads(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < POOL; i++) {
      pool[i] = body(random);
    }
  }

  /** A random body of the pool. */
  public byte[] next() {
    return pool[ThreadLocalRandom.current().nextInt(POOL)];
  }

  private static byte[] body(SplittableRandom random) {
    String head =
        String.format(
            Locale.ROOT,
            "{\"orderId\":\"ord-%09d\",\"customerId\":\"cus-%07d\",\"status\":\"%s\","
                + "\"currency\":\"%s\",\"totalCents\":%d,\"lines\":%d,"
                + "\"placedAt\":\"2025-%02d-%02dT%02d:%02d:%02dZ\",\"note\":\"",
            random.nextInt(1_000_000_000),
            random.nextInt(10_000_000),
            STATUSES[random.nextInt(STATUSES.length)],
            CURRENCIES[random.nextInt(CURRENCIES.length)],
            random.nextInt(1, 1_000_000),
            random.nextInt(1, 20),
            random.nextInt(1, 13),
            random.nextInt(1, 29),
            random.nextInt(24),
            random.nextInt(60),
            random.nextInt(60));
    String tail = "\"}";
    int padding = SIZE - head.length() - tail.length();
    if (padding < 0) {
      throw new IllegalStateException("the JSON template is longer than " + SIZE + " bytes");
    }
    StringBuilder note = new StringBuilder(padding);
    for (int i = 0; i < padding; i++) {
      note.append((char) ('a' + random.nextInt(26)));
    }
    byte[] bytes = (head + note + tail).getBytes(StandardCharsets.UTF_8);
    if (bytes.length != SIZE) {
      throw new IllegalStateException("a body of " + bytes.length + " bytes, not " + SIZE);
    }
    return bytes;
  }
}
