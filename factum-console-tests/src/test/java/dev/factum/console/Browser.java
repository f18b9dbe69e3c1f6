package dev.factum.console;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through Debian's chromedriver ({@code bin/test} installs both
 * when missing; there is no download: the driver's path is given, so Selenium Manager never runs).
 * It keeps the browser's console log, so a test can assert that a page logged no error, and saves
 * screenshots under {@code target/console-screenshots}.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  final ChromeDriver driver;
  private final List<String> log = new ArrayList<>();

  Browser(Path profile, int width, int height) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError(
          "the console tests need Debian's chromium and chromium-driver: bin/test installs them"
              + " (apt-get install chromium chromium-driver)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile.toAbsolutePath());
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  Browser(Path profile) {
    this(profile, 1280, 900);
  }

  void open(String url) {
    driver.get(url);
  }

  /** Goes to a console page by its hash and waits until the page has rendered. */
  void page(String hash, String name) {
    driver.executeScript("location.hash = arguments[0]", hash);
    waitFor(By.cssSelector("main[data-page='" + name + "']"), Duration.ofSeconds(15));
  }

  WebElement waitFor(By by, Duration timeout) {
    try {
      return new WebDriverWait(driver, timeout)
          .until(ExpectedConditions.presenceOfElementLocated(by));
    } catch (TimeoutException e) {
      errors();
      throw new AssertionError(
          "no "
              + by
              + " on "
              + driver.getCurrentUrl()
              + "; the page shows: "
              + driver.findElement(By.tagName("body")).getText()
              + "; console: "
              + log,
          e);
    }
  }

  WebElement waitFor(By by) {
    return waitFor(by, Duration.ofSeconds(15));
  }

  Object script(String code, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(code, arguments);
  }

  /**
   * The console messages of level SEVERE since the last call that {@code allowed} does not accept.
   */
  List<String> errors(Predicate<String> allowed) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER).getAll()) {
      log.add(entry.getLevel() + " " + entry.getMessage());
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
          && !allowed.test(entry.getMessage())) {
        errors.add(entry.getMessage());
      }
    }
    return errors;
  }

  List<String> errors() {
    return errors(message -> false);
  }

  /** Every console message read so far (for failure messages). */
  List<String> log() {
    return List.copyOf(log);
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
