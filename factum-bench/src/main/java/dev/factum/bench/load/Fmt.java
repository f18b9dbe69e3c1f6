package dev.factum.bench.load;

import java.util.Locale;

/** Number formatting for the report: grouped integers, short decimals, ratios. */
public final class Fmt {
  private Fmt() {}

  public static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A rate or other large figure, rounded to a whole number. */
  public static String rate(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  /** Microseconds: one decimal below 100, whole numbers above. */
  public static String micros(double value) {
    return value < 100
        ? String.format(Locale.ROOT, "%.1f", value)
        : String.format(Locale.ROOT, "%,.0f", value);
  }

  public static String decimal(double value) {
    return String.format(Locale.ROOT, "%,.1f", value);
  }

  /** A ratio such as {@code 0.42×}; "n/a" when the reference is missing or zero. */
  public static String ratio(double value, double reference) {
    if (!(reference > 0) || Double.isNaN(value)) {
      return "n/a";
    }
    double r = value / reference;
    return r >= 10
        ? String.format(Locale.ROOT, "%,.0f×", r)
        : String.format(Locale.ROOT, "%.2f×", r);
  }

  public static String seconds(long nanos) {
    double seconds = nanos / 1e9;
    return String.format(Locale.ROOT, seconds < 10 ? "%.2f s" : "%,.1f s", seconds);
  }

  public static String mebibytes(double bytes) {
    return String.format(Locale.ROOT, "%,.1f", bytes / (1 << 20));
  }

  public static String gibibytes(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
