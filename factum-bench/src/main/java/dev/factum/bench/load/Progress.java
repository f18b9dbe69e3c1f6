package dev.factum.bench.load;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines for the person watching a run (stderr), kept apart from the report (stdout). */
public final class Progress {
  private final PrintStream out;
  private final long started = System.nanoTime();

  public Progress(PrintStream out) {
    this.out = out;
  }

  public void say(String format, Object... args) {
    double elapsed = (System.nanoTime() - started) / 1e9;
    out.printf(
        Locale.ROOT, "[bench %6.1fs] %s%n", elapsed, String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
