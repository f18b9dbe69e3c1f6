package dev.factum.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's figures (docs/CONSOLE.md), measured in the browser with the Performance API: a
 * stream page of 1,000 events, the live log under 5,000 events/s, and appends over HTTP with the
 * console served but nobody connected, after a browser used it and left, and with the overview
 * open. Slow, so behind the {@code slow} tag: {@code ./mvnw -pl factum-console-tests -am verify
 * -Plong -Dtest=ConsoleMeasureTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class ConsoleMeasureTest {
  private static final int RATE = 5_000;
  private static final int SECONDS = 5;
  private static final int BATCH = 250;
  private static final int APPENDERS = 4;
  private static final int APPENDS = 1_000;
  private static final int ROUNDS = 3;

  @TempDir Path directory;

  private static void report(String format, Object... values) {
    System.out.println("console-measure: " + String.format(Locale.ROOT, format, values));
  }

  @Test
  void measure() throws Exception {
    try (ConsoleServer server = ConsoleServer.open(directory)) {
      appendRate(server); // warm-up, not reported
      StringBuilder thousand = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        thousand
            .append(i == 0 ? "" : ",")
            .append(
                "{\"type\":\"Row\",\"data\":{\"i\":"
                    + i
                    + ",\"text\":\"row "
                    + i
                    + "\"},\"tags\":[\"t\"]}");
      }
      assertThat(
              server
                  .call(
                      "POST",
                      "/streams/big-1",
                      null,
                      "{\"expectedRevision\":\"any\",\"events\":[" + thousand + "]}")
                  .status())
          .isEqualTo(200);
      try (Browser browser = new Browser(directory.resolve("chromium"))) {
        streamPage(browser, server);
        liveLog(browser, server);
        browser.screenshot("live-under-load");
        assertThat(browser.errors()).isEmpty();
      }
      // Alternating rounds: nobody connected (the console only served), then the overview open.
      for (int round = 1; round <= ROUNDS; round++) {
        report("appends/s, round %d, nobody connected: %.0f", round, appendRate(server));
        try (Browser browser = new Browser(directory.resolve("chromium-" + round))) {
          browser.open(server.url("/console#/overview"));
          browser.waitFor(By.cssSelector(".charts[data-points='1']"));
          report(
              "appends/s, round %d, overview open (scraping /metrics every second): %.0f",
              round, appendRate(server));
        }
      }
    }
  }

  private static void streamPage(Browser browser, ConsoleServer server) {
    browser.open(server.url("/console#/stream/big-1"));
    browser.waitFor(By.cssSelector("main[data-page='stream'] #stream-events tbody tr"));
    for (String order : new String[] {"backward", "forward", "backward"}) {
      new Select(browser.driver.findElement(By.id("stream-order"))).selectByValue(order);
      new Select(browser.driver.findElement(By.id("stream-limit"))).selectByValue("1000");
      new WebDriverWait(browser.driver, Duration.ofSeconds(30))
          .until(
              driver ->
                  "1000".equals(driver.findElement(By.id("main")).getDomAttribute("data-rows")));
      Object navigation =
          browser.script(
              "const m = performance.getEntriesByName('stream-render');"
                  + " return m[m.length - 1].duration;");
      report(
          "stream page, 1,000 events (%s): %.1f ms from the page's arrival to the frame that shows it",
          order, ((Number) navigation).doubleValue());
      browser.script("document.getElementById('main').removeAttribute('data-rows')");
    }
  }

  private static void liveLog(Browser browser, ConsoleServer server) throws Exception {
    browser.page("#/live", "live");
    new WebDriverWait(browser.driver, Duration.ofSeconds(15))
        .until(driver -> driver.findElement(By.id("live-status")).getText().contains("Caught up"));
    // Several appenders, each paced to its share of RATE: one HTTP client thread waits for each
    // durable append before the next, and alone could not offer 5,000 events/s here.
    String batch = batch();
    int perAppender = RATE * SECONDS / BATCH / APPENDERS;
    long interval = 1_000_000_000L * BATCH * APPENDERS / RATE;
    int total = perAppender * APPENDERS * BATCH;
    ExecutorService appenders = Executors.newFixedThreadPool(APPENDERS);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int a = 0; a < APPENDERS; a++) {
        int appender = a;
        done.add(
            appenders.submit(
                () -> {
                  long first = start + interval * appender / APPENDERS; // staggered
                  for (int i = 0; i < perAppender; i++) {
                    long early = first + i * interval - System.nanoTime();
                    if (early > 0) {
                      LockSupport.parkNanos(early); // pacing the load, not waiting for a result
                    }
                    assertThat(
                            server
                                .call(
                                    "POST",
                                    "/streams/live-" + appender + "-" + (i % 10),
                                    null,
                                    batch)
                                .status())
                        .isEqualTo(200);
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      appenders.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    new WebDriverWait(browser.driver, Duration.ofSeconds(60))
        .until(
            driver ->
                Integer.toString(total)
                    .equals(
                        driver.findElement(By.id("live-log")).getDomAttribute("data-received")));
    var log = browser.driver.findElement(By.id("live-log"));
    report(
        "live log: %d events offered by %d appenders in %.1f s (%.0f/s): %s shown, %s skipped,"
            + " %s frames over 50 ms, %d rows kept",
        total,
        APPENDERS,
        seconds,
        total / seconds,
        log.getDomAttribute("data-rendered"),
        log.getDomAttribute("data-skipped"),
        log.getDomAttribute("data-long-frames"),
        browser.driver.findElements(By.cssSelector("#live-log tbody tr")).size());
  }

  private static String batch() {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < BATCH; i++) {
      events.append(i == 0 ? "" : ",").append("{\"type\":\"Tick\",\"data\":{\"n\":" + i + "}}");
    }
    return "{\"expectedRevision\":\"any\",\"events\":[" + events + "]}";
  }

  private static double appendRate(ConsoleServer server) throws Exception {
    String one = "{\"expectedRevision\":\"any\",\"events\":[{\"type\":\"A\",\"data\":{}}]}";
    for (int i = 0; i < 200; i++) {
      server.call("POST", "/streams/warm-1", null, one);
    }
    long start = System.nanoTime();
    for (int i = 0; i < APPENDS; i++) {
      assertThat(server.call("POST", "/streams/cost-" + (i % 100), null, one).status())
          .isEqualTo(200);
    }
    return APPENDS / ((System.nanoTime() - start) / 1e9);
  }
}
