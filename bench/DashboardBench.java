import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser side of bench/dashboard.sh (run in source-file mode on berth-it's test classpath):
 * Debian's chromium through its chromedriver, logged in to a berthd dashboard. Prints "key value"
 * lines for the script:
 *  - page weight: the bytes a cold load transfers (Resource Timing transferSize of the page and its
 *    assets, and their decoded size), then a reload with the cache warm;
 *  - scale latency: the wall-clock time from just before {@code docker service scale} runs to the
 *    first animation frame in which the map holds the new task boxes (a MutationObserver stamps
 *    Date.now() in the page; the same host clock as this process), and until they all say
 *    running; RUNS scales up by STEP and back down;
 *  - memory with TASKS tasks: the page's JS heap and the proportional set size of every chromium
 *    process (from /proc/PID/smaps_rollup), after scaling the service to TASKS.
 * args: URL SESSION-COOKIE DOCKER_HOST SERVICE RUNS STEP TASKS SCREENSHOT
 */
public class DashboardBench {
  static final String DOCKER = "/usr/local/bin/docker";

  public static void main(String[] a) throws Exception {
    String url = a[0], token = a[1], host = a[2], service = a[3];
    int runs = Integer.parseInt(a[4]), step = Integer.parseInt(a[5]), tasks = Integer.parseInt(a[6]);
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,860", "--enable-precise-memory-info", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--dns-prefetch-disable",
        "--user-data-dir=" + Files.createTempDirectory("dashbench"));
    ChromeDriverService service1 = new ChromeDriverService.Builder()
        .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    ChromeDriver d = new ChromeDriver(service1, options);
    try {
      d.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
      // the session the script logged in with: set on a page of the dashboard's origin that loads
      // nothing (a 404 under /assets/), so the first load of the app below starts from an empty cache
      d.get(url + "/assets/none");
      d.manage().addCookie(new Cookie.Builder("berth_session", token).path("/").isHttpOnly(true).build());
      d.get(url + "/");
      await(d, "the map after the login", 2, () -> (Long) d.executeScript("return document.querySelectorAll('.node-col').length") > 0);
      // the cold load: the login's redirect target and everything it pulled (a fresh profile, empty cache)
      weight(d, "cold");
      d.navigate().refresh();
      await(d, "the map after a reload", 2, () -> (Long) d.executeScript("return document.querySelectorAll('.node-col').length") > 0);
      weight(d, "warm");

      int base = replicas(host, service);
      for (int i = 0; i < runs; i++) {
        scale(d, host, service, base + step, "up");
        scale(d, host, service, base, "down");
      }
      scale(d, host, service, tasks, "big");
      System.gc();
      Thread.sleep(2000);
      Map<?, ?> mem = (Map<?, ?>) d.executeScript("""
          return {heap: performance.memory.usedJSHeapSize, total: performance.memory.totalJSHeapSize,
                  boxes: document.querySelectorAll('.task').length, nodes: document.getElementsByTagName('*').length}""");
      System.out.println("heap_bytes " + mem.get("heap"));
      System.out.println("heap_total_bytes " + mem.get("total"));
      System.out.println("boxes " + mem.get("boxes"));
      System.out.println("dom_elements " + mem.get("nodes"));
      System.out.println("browser_pss_kb " + pss(service1));
      // a refetch of the whole state with TASKS tasks: the time from an event to the next render
      long t = System.currentTimeMillis();
      Object ms = d.executeAsyncScript("""
          const done = arguments[arguments.length - 1]; const t0 = performance.now();
          fetch('/api/state').then(r => r.text()).then(s => { JSON.parse(s); done([performance.now() - t0, s.length]); });""");
      System.out.println("state_fetch " + ms);
      Files.write(Path.of(a[7]), d.getScreenshotAs(OutputType.BYTES));
      scale(d, host, service, base, "cleanup");
    } finally {
      d.quit();
    }
  }

  /** Sums the Resource Timing sizes of the current page (navigation + resources that finished). */
  static void weight(ChromeDriver d, String label) {
    List<?> r = (List<?>) d.executeScript("""
        const e = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
          .filter(x => !x.name.includes('/api/'));
        return [e.length, e.reduce((s, x) => s + x.transferSize, 0), e.reduce((s, x) => s + x.decodedBodySize, 0),
                e.reduce((s, x) => s + x.encodedBodySize, 0)];""");
    System.out.println("weight_" + label + " files=" + r.get(0) + " transferred=" + r.get(1) + " decoded=" + r.get(2)
        + " encoded=" + r.get(3));
  }

  static void scale(ChromeDriver d, String host, String service, int to, String label) throws Exception {
    d.executeScript("""
        const want = arguments[0], svc = arguments[1];
        window.__marks = {};
        if (window.__obs) window.__obs.disconnect();
        const check = () => {
          const all = document.querySelectorAll('.task[data-service="' + svc + '"]');
          let run = 0; for (const t of all) if (t.dataset.state === 'running') run++;
          if (!__marks.shown && all.length === want) __marks.shown = Date.now();
          if (!__marks.running && all.length === want && run === want) __marks.running = Date.now();
        };
        window.__obs = new MutationObserver(check);
        __obs.observe(document.querySelector('main'), {subtree: true, childList: true, attributes: true});""", to, service);
    long t0 = System.currentTimeMillis();
    run(host, "service", "scale", "--detach", service + "=" + to);
    await(d, "the boxes of " + service + " at " + to, 10, () -> d.executeScript("return window.__marks.shown || 0") instanceof Long l && l > 0);
    boolean running = true;
    try {
      await(d, "the boxes of " + service + " at " + to + " all running", 15, () -> d.executeScript("return window.__marks.running || 0") instanceof Long l && l > 0);
    } catch (IllegalStateException e) {
      running = false; // a machine too small to run them all: the boxes still count
    }
    Map<?, ?> m = (Map<?, ?>) d.executeScript("return window.__marks");
    System.out.println("scale_" + label + " to=" + to + " shown_ms=" + ((Long) m.get("shown") - t0)
        + " running_ms=" + (running ? String.valueOf((Long) m.get("running") - t0) : "none"));
  }

  static int replicas(String host, String service) throws Exception {
    return Integer.parseInt(run(host, "service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}}", service).strip());
  }

  static String run(String host, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(DOCKER));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("DOCKER_HOST", host);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + ": " + out);
    }
    return out;
  }

  interface Check { boolean ok() throws Exception; }

  /** Polls every 20 ms for at most {@code minutes} (500 containers start slowly on a small machine). */
  static void await(ChromeDriver d, String what, int minutes, Check c) throws Exception {
    for (int i = 0; i < minutes * 3000; i++) {
      if (c.ok()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(what + " did not show within " + minutes + " minutes");
  }

  /** The proportional set size of chromedriver's chromium processes, in KiB. */
  static long pss(ChromeDriverService s) throws IOException {
    long total = 0;
    long driver = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("chromedriver")
        && p.info().arguments().map(x -> String.join(" ", x)).orElse("").contains("--port=" + s.getUrl().getPort()))
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    for (ProcessHandle p : ProcessHandle.of(driver).map(h -> h.descendants().toList()).orElse(List.of())) {
      Path f = Path.of("/proc/" + p.pid() + "/smaps_rollup");
      if (Files.isReadable(f)) {
        for (String line : Files.readAllLines(f)) {
          if (line.startsWith("Pss:")) {
            total += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      }
    }
    return total;
  }
}
