package dev.factum.bench.load;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the whole process and of the store's writer thread, read at the start and end of a
 * measurement window: what a durable event costs in CPU, next to what it costs in wall time.
 *
 * <p>The process figure includes the load generator's own threads (they share the JVM), so it is an
 * upper bound of the store's cost; the writer figure is the single thread every append goes
 * through, the one that bounds throughput when it is busy all the time. A writer thread is found by
 * its name ({@code <store>-writer}); when there are several, their times are summed.
 */
public final class CpuMeter {
  /** CPU nanoseconds at one instant. */
  public record Reading(long processNanos, long writerNanos) {
    public Reading minus(Reading earlier) {
      return new Reading(processNanos - earlier.processNanos, writerNanos - earlier.writerNanos);
    }
  }

  private CpuMeter() {}

  public static Reading read() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long writer = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().endsWith("-writer")) {
        long nanos = threads.getThreadCpuTime(thread.threadId());
        writer += Math.max(0, nanos);
      }
    }
    return new Reading(os.getProcessCpuTime(), writer);
  }
}
