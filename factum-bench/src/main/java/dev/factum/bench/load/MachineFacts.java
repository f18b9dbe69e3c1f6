package dev.factum.bench.load;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDB;

/**
 * What the figures were measured on, printed at the top of every report: numbers from a shared
 * machine mean little without it. Every fact is read from the running JVM or the OS; anything that
 * cannot be read is reported as "unknown", never guessed.
 */
public record MachineFacts(Map<String, String> facts) {

  public static MachineFacts collect(Path dataDirectory) {
    Map<String, String> facts = new LinkedHashMap<>();
    Runtime runtime = Runtime.getRuntime();
    facts.put("CPU", runtime.availableProcessors() + " cores available to the JVM, " + cpuModel());
    facts.put("memory", memory() + " physical; JVM max heap " + Fmt.gibibytes(runtime.maxMemory()));
    facts.put(
        "JDK",
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version());
    facts.put(
        "OS",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " ("
            + System.getProperty("os.arch")
            + ")");
    facts.put("RocksDB", rocksDbVersion());
    facts.put("data directory", dataDirectory.toString());
    facts.put("disk", disk(dataDirectory));
    facts.put("load average at start (1, 5, 15 min)", loadAverage());
    return new MachineFacts(Collections.unmodifiableMap(facts));
  }

  /**
   * The 1, 5 and 15 minute load averages from {@code /proc/loadavg} (Linux), e.g. {@code 3.12 2.80
   * 2.41}: on a shared machine, what the figures were measured under.
   */
  public static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      if (fields.length >= 3) {
        return fields[0] + " " + fields[1] + " " + fields[2];
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    return "unknown";
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    return "model unknown";
  }

  private static String memory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      return Fmt.gibibytes(os.getTotalMemorySize());
    }
    return "unknown";
  }

  public static String rocksDbVersion() {
    try {
      RocksDB.loadLibrary();
      return RocksDB.rocksdbVersion().toString();
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      return "unknown";
    }
  }

  /** Device, file system, size and, on Linux, whether the block device is rotational. */
  private static String disk(Path directory) {
    try {
      FileStore store = Files.getFileStore(directory);
      String device = store.name();
      return device
          + " ("
          + store.type()
          + "), "
          + Fmt.gibibytes(store.getTotalSpace())
          + " total, "
          + Fmt.gibibytes(store.getUsableSpace())
          + " free"
          + blockDeviceFacts(device);
    } catch (IOException | RuntimeException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String blockDeviceFacts(String device) {
    if (!device.startsWith("/dev/")) {
      return "";
    }
    Path block = Path.of("/sys/class/block", device.substring("/dev/".length()));
    // A partition's queue settings live with its parent device.
    for (Path queue : List.of(block.resolve("queue"), block.resolve("../queue"))) {
      Path rotational = queue.resolve("rotational");
      try {
        if (Files.isReadable(rotational)) {
          String value = Files.readString(rotational).trim();
          return ", sysfs queue/rotational=" + value;
        }
      } catch (IOException | RuntimeException e) {
        return "";
      }
    }
    return "";
  }
}
