package dev.factum.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console with auth on: nothing of the store is shown before a key is given; the key is kept in
 * sessionStorage only; a reader key limited to {@code acct-} sees no admin page, no stream out of
 * its scope, and cannot delete (the server refuses, the page shows the problem, the stream stays).
 */
class ConsoleAuthTest {
  /** The refusals these tests provoke, which Chromium logs as failed loads. */
  private static final Predicate<String> REFUSALS =
      message -> message.contains("status of 401") || message.contains("status of 403");

  @TempDir Path directory;
  ConsoleServer server;
  Browser browser;

  @BeforeEach
  void start() throws Exception {
    server = ConsoleServer.withAuth(directory);
    server.append("acct-1", "Opened", "{\"owner\":\"in-scope-marker\"}");
    server.append("order-1", "OrderPlaced", "{\"secret\":\"out-of-scope-marker\"}");
    browser = new Browser(directory.resolve("chromium"));
  }

  @AfterEach
  void stop() {
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

  private void signIn(String key) {
    browser.open(server.url("/"));
    assertThat(browser.driver.getCurrentUrl()).isEqualTo(server.url("/console"));
    WebElement input = browser.waitFor(By.id("api-key"));
    input.sendKeys(key);
    browser.driver.findElement(By.cssSelector("#key-form button")).click();
    browser.waitFor(By.cssSelector("main[data-page='overview']"));
  }

  @Test
  void nothingOfTheStoreIsShownBeforeAKey() {
    browser.open(server.url("/console#/stream/order-1"));
    browser.waitFor(By.id("key-form"));
    browser.screenshot("sign-in");
    assertThat(browser.driver.getPageSource())
        .doesNotContain("out-of-scope-marker")
        .doesNotContain("in-scope-marker")
        .doesNotContain("OrderPlaced");
    assertThat(browser.driver.findElements(By.cssSelector("#nav a"))).isEmpty();

    // a wrong key is refused and asked for again, and not kept
    browser.driver.findElement(By.id("api-key")).sendKeys("fk_not-a-key");
    browser.driver.findElement(By.cssSelector("#key-form button")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(10))
        .until(driver -> !driver.findElements(By.cssSelector("main .problem")).isEmpty());
    assertThat(browser.driver.findElement(By.cssSelector("main .problem")).getText())
        .contains("unauthorized");
    assertThat(browser.script("return sessionStorage.getItem('factum.key')")).isNull();
    assertThat(browser.driver.getPageSource()).doesNotContain("out-of-scope-marker");
    assertThat(browser.errors(REFUSALS)).isEmpty();
  }

  @Test
  void anAdminKeySeesTheAdminPagesAndKeepsTheKeyInTheTabOnly() {
    signIn(server.adminKey);
    assertThat(browser.driver.findElement(By.id("nav")).getText())
        .contains("Keys")
        .contains("Tenants")
        .contains("Sinks");
    browser.page("#/keys", "keys");
    assertThat(browser.waitFor(By.cssSelector("#keys table")).getText()).contains("admin");
    browser.screenshot("keys");
    assertThat(browser.script("return sessionStorage.getItem('factum.key')"))
        .isEqualTo(server.adminKey);
    assertThat(browser.script("return localStorage.length")).isEqualTo(0L);
    assertThat(browser.script("return document.cookie")).isEqualTo("");
    assertThat(browser.errors(REFUSALS)).isEmpty();
  }

  @Test
  void aScopedReaderKeySeesNoAdminPageNoOutOfScopeStreamAndCannotDelete() throws Exception {
    signIn(server.createKey("reader", "acct-"));
    String nav = browser.driver.findElement(By.id("nav")).getText();
    assertThat(nav).contains("Streams").doesNotContain("Keys").doesNotContain("Tenants");
    assertThat(nav).doesNotContain("Sinks");

    browser.page("#/keys", "not-found"); // an admin page is not even loaded for this key
    assertThat(browser.driver.findElement(By.id("main")).getText()).contains("Not found");

    browser.page("#/streams", "streams");
    browser.waitFor(By.cssSelector("#stream-results table"));
    assertThat(browser.driver.findElement(By.id("stream-results")).getText()).contains("acct-1");
    assertThat(browser.driver.findElement(By.id("main")).getText()).doesNotContain("order-1");

    browser.page("#/stream/order-1", "stream");
    assertThat(browser.waitFor(By.cssSelector("#stream-events .problem")).getText())
        .contains("forbidden");
    assertThat(browser.driver.getPageSource()).doesNotContain("out-of-scope-marker");

    browser.page("#/stream/acct-1", "stream");
    browser.waitFor(By.cssSelector("#stream-events tbody tr"));
    browser.driver.findElement(By.id("soft-delete")).click();
    browser.waitFor(By.cssSelector("dialog [data-confirm='yes']")).click();
    assertThat(browser.waitFor(By.cssSelector("#stream-notice .problem")).getText())
        .contains("forbidden");
    browser.screenshot("reader-delete-refused");
    ConsoleServer.Reply state = server.call("GET", "/streams/acct-1/state", server.adminKey, null);
    assertThat(state.json().get("status").asText()).isEqualTo("active");
    assertThat(browser.errors(REFUSALS)).isEmpty();
  }
}
