package io.berth.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Debian's chromium, driven through its chromedriver, inside a lab node's network namespace: the
 * node's dashboard listens on the namespace's loopback (no TLS needed there, as on a real machine),
 * the browser sits beside it, and the test reaches chromedriver over the lab bridge at the node's
 * address (chromedriver admits only the host's bridge address). Screenshots go to
 * {@code berth-it/target/dashboard-screenshots/}.
 */
final class DashboardBrowser implements AutoCloseable {
  static final Path SCREENSHOTS = Exec.repoRoot().resolve("berth-it/target/dashboard-screenshots");
  private static final Duration START = Duration.ofSeconds(30);

  final RemoteWebDriver driver;
  private final Process chromedriver;

  private DashboardBrowser(Process chromedriver, RemoteWebDriver driver) {
    this.chromedriver = chromedriver;
    this.driver = driver;
  }

  /** Starts chromedriver in {@code netns} on {@code port} and a headless chromium session through it. */
  static DashboardBrowser start(String netns, String nodeAddress, int port, Path logDir) throws Exception {
    String host = nodeAddress.substring(0, nodeAddress.lastIndexOf('.')) + ".1";
    Files.createDirectories(logDir);
    Process p = new ProcessBuilder("nsenter", "--net=/run/netns/" + netns, "--", "/usr/bin/chromedriver",
        "--port=" + port, "--allowed-ips=" + host, "--log-path=" + logDir.resolve("chromedriver.log"))
        .redirectErrorStream(true).redirectOutput(logDir.resolve("chromedriver.out").toFile()).start();
    URI base = URI.create("http://" + nodeAddress + ":" + port);
    try {
      awaitStatus(base, p, logDir);
      ChromeOptions options = new ChromeOptions();
      options.setBinary("/usr/bin/chromium");
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,860", "--enable-precise-memory-info",
          // nothing but the dashboard on the wire: no updater, sync, prefetch or first-run traffic
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--dns-prefetch-disable",
          "--user-data-dir=" + Files.createTempDirectory(logDir, "profile"));
      RemoteWebDriver driver = new RemoteWebDriver(base.toURL(), options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(30));
      return new DashboardBrowser(p, driver);
    } catch (Exception | AssertionError e) {
      stop(p);
      throw e;
    }
  }

  /** Waits, bounded, for chromedriver's {@code /status} to answer. */
  private static void awaitStatus(URI base, Process p, Path logDir) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START.toNanos();
    String last = "";
    for (int i = 0; i < 100 && System.nanoTime() < deadline; i++) {
      if (!p.isAlive()) {
        break;
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/status")).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(300);
    }
    throw new AssertionError("chromedriver did not answer at " + base + " (alive: " + p.isAlive() + "; last: " + last
        + "); its output: " + read(logDir.resolve("chromedriver.out")));
  }

  /**
   * Polls {@code read} (every 250 ms, at most {@code limit} and a bounded number of times) until
   * {@code done} holds; on failure saves a screenshot named after {@code what} and fails with the
   * last answer and the page's text.
   */
  <T> T await(String what, Duration limit, Supplier<T> read, Predicate<T> done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    T last = read.get();
    for (long i = 0; i < limit.toMillis() / 250 && !done.test(last) && System.nanoTime() < deadline; i++) {
      Thread.sleep(250);
      last = read.get();
    }
    if (done.test(last)) {
      return last;
    }
    String page;
    try {
      screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
      page = driver.getCurrentUrl() + "\n" + driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
    } catch (IOException | RuntimeException e) {
      page = "(no page: " + e + ")";
    }
    throw new AssertionError(what + " did not happen within " + limit.toSeconds() + " s; last seen: " + last
        + "\nthe page: " + page);
  }

  /** Saves a PNG of the page as {@code SCREENSHOTS/name.png}; returns its path. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return file;
  }

  /** The script's answer as a list of strings (a script returning an array of strings). */
  @SuppressWarnings("unchecked")
  List<String> strings(String script, Object... args) {
    Object o = driver.executeScript(script, args);
    return o == null ? List.of() : ((List<Object>) o).stream().map(String::valueOf).toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } catch (RuntimeException e) {
      System.err.println("closing the browser: " + e);
    } finally {
      stop(chromedriver);
    }
  }

  private static void stop(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "(none)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
