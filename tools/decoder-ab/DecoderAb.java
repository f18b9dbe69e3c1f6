import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The client's page decoding, two builds of factum-wire side by side in one JVM (each in its own
 * class loader): {@code ReadPageJson.readLog(byte[], ...)} of the old build, of the new build, and
 * the new build's tree path ({@code ExactJson.read} then {@code ReadPageJson.readLog(JsonNode,
 * ...)}), on a page of realistic events as the server writes them. Prints the CPU microseconds per
 * page of each, round by round (the arms take turns, in a rotating order), and the ratios.
 *
 * <p>Run by {@code tools/decoder-ab/run.sh}, which builds the two class directories.
 */
public final class DecoderAb {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    URL[] deps = urls(args[0].split(":"));
    Arm old = new Arm("old", loader(Path.of(args[1]), deps), false);
    Arm neu = new Arm("new", loader(Path.of(args[2]), deps), false);
    Arm tree = new Arm("tree", loader(Path.of(args[2]), deps), true);
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    List<Arm> arms = List.of(old, neu, tree);
    for (int events : new int[] {100, 1_000}) {
      byte[] page = page(events);
      long expected = fingerprint(old.decode(page));
      for (Arm arm : arms) {
        if (fingerprint(arm.decode(page)) != expected) {
          throw new AssertionError(arm.name + " decodes the page differently");
        }
      }
      int perRound = Math.max(20, 20_000 / events);
      for (Arm arm : arms) { // warm-up
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) {
          arm.decode(page);
        }
      }
      double[][] micros = new double[arms.size()][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < arms.size(); k++) {
          int a = (r + k) % arms.size();
          micros[a][r] = arms.get(a).micros(page, perRound);
        }
      }
      System.out.printf(
          "page of %,d events (%,d bytes), %d rounds of %d pages per arm%n",
          events, page.length, rounds, perRound);
      for (int a = 0; a < arms.size(); a++) {
        System.out.printf(
            "  %-5s CPU µs per page: median %,.0f (%s)%n",
            arms.get(a).name, median(micros[a]), round(micros[a]));
      }
      ratio("new ÷ old", micros[1], micros[0]);
      ratio("new ÷ tree", micros[1], micros[2]);
      ratio("old ÷ tree", micros[0], micros[2]);
    }
  }

  /** One build's decoder of a log page from its bytes (or its tree path). */
  private static final class Arm {
    final String name;
    final Method read;
    final Object forward;
    final Method exactRead;
    final Object factory;
    final boolean tree;

    Arm(String name, ClassLoader loader, boolean tree) throws Exception {
      this.name = name;
      this.tree = tree;
      Class<?> direction = Class.forName("dev.factum.api.Direction", true, loader);
      forward = direction.getField("FORWARD").get(null);
      Class<?> pages = Class.forName("dev.factum.wire.ReadPageJson", true, loader);
      Class<?> node = Class.forName("com.fasterxml.jackson.databind.JsonNode", true, loader);
      read =
          pages.getMethod("readLog", tree ? node : byte[].class, long.class, direction);
      Class<?> exact = Class.forName("dev.factum.wire.ExactJson", true, loader);
      Class<?> factoryType = Class.forName("com.fasterxml.jackson.core.JsonFactory", true, loader);
      exactRead = exact.getMethod("read", factoryType, byte[].class, boolean.class);
      factory =
          Class.forName("dev.factum.wire.WireJson", true, loader).getMethod("factory").invoke(null);
    }

    Object decode(byte[] page) throws Exception {
      Object body = tree ? exactRead.invoke(null, factory, page, true) : page;
      return read.invoke(null, body, 0L, forward);
    }

    double micros(byte[] page, int count) throws Exception {
      long start = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < count; i++) {
        decode(page);
      }
      return (THREADS.getCurrentThreadCpuTime() - start) / 1_000.0 / count;
    }
  }

  /** Every member of every event of a page, hashed (arrays by content). */
  private static long fingerprint(Object page) throws Exception {
    long hash = 0;
    List<?> events = (List<?>) page.getClass().getMethod("events").invoke(page);
    for (Object event : events) {
      for (RecordComponent component : event.getClass().getRecordComponents()) {
        Object value = component.getAccessor().invoke(event);
        hash =
            hash * 31
                + (value instanceof byte[] bytes ? Arrays.hashCode(bytes) : String.valueOf(value).hashCode());
      }
    }
    return hash * 31 + events.size();
  }

  /** A log page as the server writes it: its members in the server's order, realistic content. */
  static byte[] page(int count) {
    SplittableRandom random = new SplittableRandom(18);
    Instant commit = Instant.parse("2026-12-03T09:30:00.123456Z");
    List<String> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int order = random.nextInt(100_000);
      StringBuilder event = new StringBuilder();
      event
          .append("{\"id\":\"")
          .append(new UUID(random.nextLong(), random.nextLong()))
          .append("\",\"stream\":\"order-")
          .append(order)
          .append("\",\"type\":\"")
          .append(i % 3 == 0 ? "OrderPlaced" : "OrderLineAdded")
          .append("\",\"revision\":")
          .append(random.nextInt(50))
          .append(",\"position\":")
          .append(1_000_000 + i)
          .append(",\"timestamp\":\"")
          .append(commit.plusNanos(1_000L * (i / 10)))
          .append("\",\"contentType\":\"application/json\",\"data\":")
          .append(
              String.format(
                  "{\"orderId\":\"order-%d\",\"customer\":{\"id\":\"c-%d\",\"name\":\"Zoë"
                      + " Müller\",\"email\":\"zoe@example.com\"},\"lines\":[{\"sku\":\"SKU-%d\","
                      + "\"qty\":%d,\"price\":12.5},{\"sku\":\"SKU-98\",\"qty\":1,\"price\":3.99}],"
                      + "\"total\":%d.49,\"currency\":\"EUR\",\"note\":\"leave at the \\\"back\\\""
                      + " door\"}",
                  order, random.nextInt(5_000), random.nextInt(10_000), 1 + random.nextInt(9),
                  random.nextInt(500)));
      if (i % 2 == 0) {
        event
            .append(",\"metadata\":{\"correlationId\":\"")
            .append(new UUID(random.nextLong(), random.nextLong()))
            .append("\",\"user\":\"u-17\"}");
      }
      if (i % 4 == 0) {
        event.append(",\"tags\":[\"order:").append(order).append("\",\"region:eu\"]");
      }
      events.add(event.append('}').toString());
    }
    String body =
        "{\"events\":["
            + String.join(",", events)
            + "],\"next\":\"/all?from="
            + (1_000_000 + count)
            + "&direction=forward&limit="
            + count
            + "\",\"endOfRead\":false,\"headPosition\":"
            + (2_000_000 + count)
            + "}";
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static void ratio(String what, double[] a, double[] b) {
    double[] ratios = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      ratios[i] = a[i] / b[i];
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "  %-10s median %.3f× (min %.3f×, max %.3f×)%n",
        what, median(ratios), sorted[0], sorted[sorted.length - 1]);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static List<Long> round(double[] values) {
    List<Long> rounded = new ArrayList<>();
    for (double v : values) {
      rounded.add(Math.round(v));
    }
    return rounded;
  }

  private static URLClassLoader loader(Path wire, URL[] deps) throws Exception {
    URL[] urls = new URL[deps.length + 1];
    urls[0] = wire.toUri().toURL();
    System.arraycopy(deps, 0, urls, 1, deps.length);
    return new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
  }

  private static URL[] urls(String[] paths) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String path : paths) {
      if (!path.isBlank() && !path.contains("factum-wire")) {
        urls.add(Path.of(path).toUri().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }

  private DecoderAb() {}
}
