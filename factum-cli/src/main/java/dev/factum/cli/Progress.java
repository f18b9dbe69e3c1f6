package dev.factum.cli;

import java.io.Console;
import java.io.PrintStream;

/**
 * A progress line on stderr: redrawn in place on a terminal, printed every few seconds otherwise
 * (so logs of a long import stay readable).
 */
final class Progress {
  private final PrintStream err;
  private final String verb;
  private final boolean terminal = isTerminal();
  private long lastDraw;

  Progress(PrintStream err, String verb) {
    this.err = err;
    this.verb = verb;
  }

  /**
   * On JDK 22 to 24 {@code System.console()} is not null even when output is redirected; there
   * {@code Console.isTerminal()} (JDK 22+, so called reflectively under {@code --release 21})
   * tells.
   */
  @SuppressWarnings("SystemConsoleNull") // null is still "no console" on JDK 21 and 25; see above
  private static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console is always a terminal
    }
  }

  void update(long done, long total, String position) {
    long now = System.nanoTime();
    if (now - lastDraw < (terminal ? 100_000_000L : 5_000_000_000L)) {
      return;
    }
    lastDraw = now;
    draw(done, total, position);
  }

  void finish(long done, long total, String position) {
    draw(done, total, position);
    if (terminal) {
      err.println();
    }
  }

  private void draw(long done, long total, String position) {
    String percent = total > 0 ? String.format(" (%d%%)", Math.min(100, done * 100 / total)) : "";
    int width = 30;
    int filled = total > 0 ? (int) Math.min(width, done * width / total) : 0;
    String bar = total > 0 ? "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " : "";
    String line =
        String.format("%s%s %,d of %,d events%s, at %s", bar, verb, done, total, percent, position);
    err.print(terminal ? "\r" + line : line + "\n");
    err.flush();
  }
}
