package dev.factum.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium against a real server (auth off) holding data this test
 * appended: every page renders with no console error, the live log shows a new event within 2 s,
 * the append form lands at the right revision and shows a conflict, and event data made of HTML and
 * script renders as inert text.
 */
class ConsolePagesTest {
  /** Values a careless console would run: each sets window.__xss if it ever executes. */
  static final String HOSTILE =
      "{\"img\":\"<img src=x onerror=window.__xss=1>\","
          + "\"script\":\"</script><script>window.__xss=2</script>\","
          + "\"link\":\"<a href=\\\"javascript:window.__xss=3\\\">click</a>\","
          + "\"svg\":\"<svg onload=window.__xss=4></svg>\"}";

  static final String HOSTILE_STREAM = "xss-<img src=x onerror=window.__xss=5>";

  @TempDir static Path directory;
  static ConsoleServer server;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    server = ConsoleServer.open(directory);
    for (int i = 0; i < 3; i++) {
      server.append("order-1", "OrderPlaced", "{\"total\":" + (40 + i) + "}");
    }
    server.append("payment-7", "PaymentTaken", "{\"amount\":42}");
    server.append(encode(HOSTILE_STREAM), "<b>Hostile</b>", HOSTILE);
    ConsoleServer.Reply group =
        server.call(
            "POST",
            "/groups",
            null,
            "{\"name\":\"billing\",\"source\":{\"category\":[\"order\"]}}");
    assertThat(group.status()).isEqualTo(201);
    browser = new Browser(directory.resolve("chromium"));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Test
  void everyPageRendersWithoutAConsoleError() {
    browser.open(server.url("/"));
    assertThat(browser.driver.getCurrentUrl()).isEqualTo(server.url("/console"));
    browser.waitFor(By.cssSelector("main[data-page='overview']"));
    browser.waitFor(By.cssSelector("#chart-throughput canvas"));
    browser.waitFor(By.cssSelector(".charts[data-points='3']")); // three intervals drawn
    browser.waitFor(By.cssSelector("#overview-figures td")); // the group's lag row, from /metrics
    browser.screenshot("overview");
    List<String[]> pages =
        List.of(
            new String[] {"#/streams", "streams", "#stream-results table"},
            new String[] {"#/stream/order-1", "stream", "#stream-events tbody tr"},
            new String[] {"#/live", "live", "#live-log"},
            new String[] {"#/append/order-1", "append", "#append-form"},
            new String[] {"#/consumers", "consumers", "#groups td"},
            new String[] {"#/projections", "projections", "#projections[data-loaded]"},
            new String[] {"#/sinks", "sinks", "#webhooks .empty"},
            new String[] {"#/keys", "keys", "#keys"},
            new String[] {"#/tenants", "tenants", "#tenants"});
    for (String[] page : pages) {
      browser.page(page[0], page[1]);
      browser.waitFor(By.cssSelector(page[2]));
      assertThat(browser.driver.findElements(By.cssSelector("main .problem")))
          .as("a problem on %s", page[0])
          .isEmpty();
      browser.screenshot(page[1]);
    }
    assertThat(browser.errors()).as("browser console errors").isEmpty();
  }

  @Test
  void theStreamsPageFindsStreamsByPrefixAndCategory() {
    browser.open(server.url("/console#/streams"));
    browser.waitFor(By.cssSelector("main[data-page='streams'] #stream-results table"));
    WebElement category = browser.driver.findElement(By.id("stream-category"));
    category.sendKeys("order");
    browser.driver.findElement(By.cssSelector("#stream-find button")).click();
    WebElement results =
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
            .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
            .until(
                driver -> {
                  WebElement box = driver.findElement(By.id("stream-results"));
                  return box.getText().contains("in category order") ? box : null;
                });
    assertThat(results.getText()).contains("order-1").doesNotContain("payment-7");
    // name, status, events, last revision, last position
    assertThat(results.findElement(By.linkText("order-1")).findElement(By.xpath("../..")).getText())
        .isEqualTo("order-1 active 3 2 2");
    assertThat(browser.errors()).isEmpty();
  }

  /**
   * A stream older than the newest 10,000 events of the log is found, by prefix and by paging with
   * "More" (the page used to derive streams from the newest 10,000 log events, and missed it).
   */
  @Test
  void theStreamsPageFindsAStreamOlderThanTheNewestTenThousandEvents() throws Exception {
    try (ConsoleServer busy = ConsoleServer.open(directory.resolve("busy"))) {
      busy.append("ancient-1", "Founded", "{}");
      for (int i = 0; i < 120; i++) {
        busy.append("mid-" + String.format("%03d", i), "T", "{}");
      }
      StringBuilder batch = new StringBuilder("{\"expectedRevision\":\"any\",\"events\":[");
      for (int i = 0; i < 1_000; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"type\":\"Tick\",\"data\":{}}");
      }
      String body = batch.append("]}").toString();
      for (int i = 0; i < 10; i++) {
        assertThat(busy.call("POST", "/streams/zz-noise", null, body).status()).isEqualTo(200);
      }
      browser.open(busy.url("/console#/streams"));
      browser.waitFor(By.id("stream-more")); // 122 streams: the first page holds 100
      assertThat(browser.driver.findElement(By.id("stream-summary")).getText())
          .isEqualTo("100 streams so far.");
      assertThat(
              browser
                  .driver
                  .findElement(By.linkText("ancient-1"))
                  .findElement(By.xpath("../.."))
                  .getText())
          .isEqualTo("ancient-1 active 1 0 0");
      browser.driver.findElement(By.id("stream-more")).click();
      new WebDriverWait(browser.driver, Duration.ofSeconds(10))
          .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
          .until(d -> d.findElement(By.id("stream-summary")).getText().equals("122 streams."));
      assertThat(
              browser
                  .driver
                  .findElement(By.linkText("zz-noise"))
                  .findElement(By.xpath("../.."))
                  .getText())
          .isEqualTo("zz-noise active 10000 9999 10120");
      assertThat(browser.driver.findElements(By.id("stream-more"))).isEmpty();

      browser.driver.findElement(By.id("stream-prefix")).sendKeys("anc");
      browser.driver.findElement(By.cssSelector("#stream-find button")).click();
      new WebDriverWait(browser.driver, Duration.ofSeconds(10))
          .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
          .until(
              d ->
                  d.findElement(By.id("stream-summary"))
                      .getText()
                      .equals("1 stream starting with anc."));
      browser.screenshot("streams-listing");
      browser.driver.findElement(By.id("stream-prefix")).sendKeys("x");
      browser.driver.findElement(By.cssSelector("#stream-find button")).click();
      new WebDriverWait(browser.driver, Duration.ofSeconds(10))
          .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
          .until(
              d ->
                  d.findElement(By.id("stream-results"))
                      .getText()
                      .contains("No stream starting with ancx."));
      assertThat(browser.errors()).isEmpty();
    }
  }

  @Test
  void theProjectionsPageShowsEachDefinitionWithItsStatusAndLag() throws Exception {
    String definition =
        "{\"projectionName\":\"totals\",\"feedName\":\"order\",\"aggregated\":false,"
            + "\"handlers\":[{\"eventType\":\"OrderPlaced\",\"functions\":[{\"function\":\"set\","
            + "\"targetSelector\":\"$.projection.total\",\"eventSelector\":\"$.event.total\"}]}]}";
    ConsoleServer.Reply created =
        server.call("POST", "/serialized/projections/definitions", null, definition);
    assertThat(created.status()).as(created.body()).isIn(200, 201);
    browser.open(server.url("/console#/projections"));
    WebElement row =
        new WebDriverWait(browser.driver, Duration.ofSeconds(15))
            .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
            .until(
                driver -> {
                  for (WebElement tr :
                      driver.findElements(By.cssSelector("#projections tbody tr"))) {
                    if (tr.getText().startsWith("totals") && tr.getText().contains("caught up")) {
                      return tr;
                    }
                  }
                  return null;
                });
    // projection, kind, feed, handlers, status, lag
    assertThat(row.getText()).isEqualTo("totals single order OrderPlaced caught up 0 Definition");
    row.findElement(By.cssSelector("button[data-projection='totals']")).click();
    assertThat(browser.waitFor(By.cssSelector("#projection-detail pre")).getText())
        .contains("\"eventSelector\": \"$.event.total\"");
    browser.screenshot("projections");
    assertThat(browser.errors()).isEmpty();
  }

  @Test
  void theLiveLogShowsAnEventAppendedAfterThePageLoadedWithinTwoSeconds() throws Exception {
    browser.open(server.url("/console#/live"));
    new WebDriverWait(browser.driver, Duration.ofSeconds(15))
        .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
        .until(driver -> driver.findElement(By.id("live-status")).getText().contains("Caught up"));
    long position = server.append("live-1", "Ticked", "{\"marker\":\"live-marker-1\"}");
    long appended = System.nanoTime();
    WebElement row =
        browser.waitFor(
            By.cssSelector("#live-log tr[data-position='" + position + "']"),
            Duration.ofSeconds(2));
    assertThat(Duration.ofNanos(System.nanoTime() - appended)).isLessThan(Duration.ofSeconds(2));
    assertThat(row.getText()).contains("live-1").contains("Ticked").contains("live-marker-1");
    browser.screenshot("live");

    // pause, append, resume: the paused event is delivered from the position after the last shown
    browser.driver.findElement(By.id("live-toggle")).click();
    assertThat(browser.driver.findElement(By.id("live-toggle")).getText()).isEqualTo("Resume");
    long paused = server.append("live-1", "Ticked", "{\"marker\":\"while-paused\"}");
    assertThat(browser.driver.findElements(By.cssSelector("tr[data-position='" + paused + "']")))
        .isEmpty();
    browser.driver.findElement(By.id("live-toggle")).click();
    assertThat(
            browser
                .waitFor(By.cssSelector("#live-log tr[data-position='" + paused + "']"))
                .getText())
        .contains("while-paused");
    assertThat(browser.driver.findElements(By.cssSelector("#live-log tbody tr")))
        .as("each event once")
        .hasSize(2);
    assertThat(browser.errors()).isEmpty();
  }

  @Test
  void theAppendFormLandsAtTheRightRevisionAndShowsAConflict() throws Exception {
    browser.open(server.url("/console#/append"));
    browser.waitFor(By.cssSelector("main[data-page='append']"));
    browser.driver.findElement(By.id("append-stream")).sendKeys("form-1");
    new Select(browser.driver.findElement(By.id("append-expected"))).selectByValue("no_stream");
    browser.driver.findElement(By.id("append-type")).sendKeys("Created");
    WebElement data = browser.driver.findElement(By.id("append-data"));
    data.clear();
    data.sendKeys("{\"n\": 1}");
    browser.driver.findElement(By.id("append-submit")).click();
    // waits for the value, not the element: the result box may be rendered again meanwhile (a
    // stale element reference was seen under load)
    new WebDriverWait(browser.driver, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class)
        .until(
            driver ->
                "0"
                    .equals(
                        driver
                            .findElement(By.id("append-success"))
                            .getDomAttribute("data-revision")));

    browser.driver.findElement(By.id("append-submit")).click(); // the form now expects 0
    new WebDriverWait(browser.driver, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class)
        .until(
            driver ->
                "1"
                    .equals(
                        driver
                            .findElement(By.id("append-success"))
                            .getDomAttribute("data-revision")));

    WebElement revision = browser.driver.findElement(By.id("append-revision"));
    revision.clear();
    revision.sendKeys("0"); // stale: the stream is at 1
    browser.driver.findElement(By.id("append-submit")).click();
    WebElement conflict = browser.waitFor(By.id("append-conflict"));
    assertThat(conflict.getDomAttribute("data-actual")).isEqualTo("1");
    assertThat(browser.driver.findElement(By.cssSelector("#append-result .problem")).getText())
        .contains("wrong-expected-revision");
    browser.screenshot("append-conflict");

    ConsoleServer.Reply stream = server.call("GET", "/streams/form-1", null, null);
    assertThat(stream.json().get("events")).hasSize(2);
    assertThat(stream.json().get("events").get(0).get("data").get("n").asInt()).isEqualTo(1);
    assertThat(browser.errors(message -> message.contains("status of 409"))).isEmpty();
  }

  @Test
  void eventDataMadeOfHtmlAndScriptRendersAsInertText() {
    browser.open(server.url("/console#/stream/" + encode(HOSTILE_STREAM)));
    browser.waitFor(By.cssSelector("main[data-page='stream'] #stream-events tbody tr"));
    String text = browser.driver.findElement(By.id("main")).getText();
    assertThat(text)
        .contains("<img src=x onerror=window.__xss=1>")
        .contains("</script><script>window.__xss=2</script>")
        .contains("javascript:window.__xss=3")
        .contains("<b>Hostile</b>")
        .contains(HOSTILE_STREAM);
    browser.screenshot("hostile-data");

    // the same values through the live log (from position 0) and the streams page
    browser.page("#/live", "live");
    browser.driver.findElement(By.id("live-toggle")).click(); // pause
    browser.driver.findElement(By.id("live-from")).sendKeys("0");
    browser.driver.findElement(By.id("live-toggle")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(10))
        .ignoring(StaleElementReferenceException.class) // the page re-renders as data arrives
        .until(
            driver ->
                driver
                    .findElement(By.id("live-log"))
                    .getText()
                    .contains("<img src=x onerror=window.__xss=1>"));
    browser.page("#/streams", "streams");
    browser.waitFor(By.cssSelector("#stream-results table"));
    assertThat(browser.driver.findElement(By.id("stream-results")).getText())
        .contains(HOSTILE_STREAM);

    assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
    assertThat(
            browser.driver.findElements(
                By.cssSelector(
                    "main img, main script, main svg, main b, main a[href^='javascript']")))
        .isEmpty();
    assertThat(browser.errors()).as("no CSP violation, no error").isEmpty();
  }

  @Test
  void theKeyboardReachesEveryPageAndAPhoneScreenNeedsNoSideways() {
    browser.open(server.url("/console#/overview"));
    browser.waitFor(By.cssSelector("main[data-page='overview']"));
    browser.driver.findElement(By.tagName("body")).sendKeys("2");
    browser.waitFor(By.cssSelector("main[data-page='streams']"));
    browser.driver.findElement(By.tagName("body")).sendKeys("5");
    browser.waitFor(By.cssSelector("main[data-page='consumers']"));
    assertThat(browser.script("return document.activeElement.id")).isEqualTo("main");

    try (Browser phone = new Browser(directory.resolve("phone"), 390, 844)) {
      for (String[] page :
          List.of(
              new String[] {"/console#/overview", "overview"},
              new String[] {"/console#/stream/order-1", "stream"},
              new String[] {"/console#/append", "append"})) {
        phone.open(server.url(page[0]));
        phone.waitFor(By.cssSelector("main[data-page='" + page[1] + "']"));
        assertThat(
                phone.script(
                    "return document.documentElement.scrollWidth <= window.innerWidth + 1"))
            .as("no sideways scrolling on %s", page[0])
            .isEqualTo(true);
        phone.screenshot("phone-" + page[1]);
      }
      assertThat(phone.errors()).isEmpty();
    }
    assertThat(browser.errors()).isEmpty();
  }
}
