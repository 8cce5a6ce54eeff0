package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real browser (Debian's chromium through Selenium) on a three-node
 * {@code berth lab}, the dashboard served by node1 (the manager) on its loopback: log in through
 * the form with a token from {@code berth dashboard token}; the map's three node columns hold the
 * service's task boxes where {@code docker service ps} says they run; a scale from the UI adds
 * boxes; a node killed has its tasks move to the other columns; a read-only token gets no action
 * buttons and its forced write is refused. Every wait is bounded; nothing is timed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
  static final DrillLab LAB = new DrillLab("dash");
  static final String M = "node1";
  /** The dashboard's port on node1's loopback (inside its network namespace). */
  static final int DASHBOARD_PORT = 28791;
  /** chromedriver's port on node1's lab address. */
  static final int DRIVER_PORT = 28792;
  static final String URL = "http://127.0.0.1:" + DASHBOARD_PORT;

  /** The map's boxes of a service as sorted "TASKID NODE" lines ("TASKID -" outside a column). */
  static final String BOXES = """
      return [...document.querySelectorAll('.task[data-service="' + arguments[0] + '"]')]
        .filter(t => t.dataset.state === 'running')
        .map(t => t.dataset.task + ' ' + (t.closest('.node-col')?.dataset.node || '-')).sort();""";
  /** The map's columns as "NODE up|down". */
  static final String COLUMNS = """
      return [...document.querySelectorAll('.node-col')]
        .map(c => c.dataset.node + (c.classList.contains('down') ? ' down' : ' up'));""";

  /** How long the page may take to show what the test waits for (the cluster's own waits are DrillLab's). */
  static final Duration BROWSER_WAIT = Duration.ofSeconds(60);

  static DashboardBrowser browser;
  static String image;
  /** Whether the browser holds a session: the tests after the first fail at once without one. */
  static boolean loggedIn;

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 1);
    DrillLab.ok(LAB.docker(M, "swarm", "update", "--dispatcher-heartbeat", "2s"), "swarm update");
    image = LAB.pushBusybox(M, "dash/busybox:1");
    dashboardOn(M);
    DrillLab.ok(LAB.docker(M, "service", "create", "--detach", "--name", "web", "--replicas", "3", image, "sleep", "1d"),
        "service create");
    DrillLab.await("three web tasks running", () -> LAB.running(M, "web"), r -> r.size() == 3 && allRunning(r));
    Path logs = TestDaemon.BASE.resolve(LAB.name + "-browser");
    browser = DashboardBrowser.start("berth-lab-" + LAB.name + "-" + M, LAB.addresses.get(M), DRIVER_PORT, logs);
  }

  @AfterAll
  static void down() {
    if (browser != null) {
      browser.close();
    }
    LAB.down();
  }

  /** node1's berthd again with the dashboard on its loopback, its daemon.json otherwise the lab's. */
  static void dashboardOn(String node) throws Exception {
    Path file = LabIT.ROOT.resolve(LAB.name).resolve(node).resolve("daemon.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(file.toFile());
    config.put("dashboard-addr", "127.0.0.1:" + DASHBOARD_PORT);
    Files.writeString(file, json.writeValueAsString(config));
    DrillLab.ok(LAB.lab("kill", node), "lab kill " + node);
    DrillLab.ok(LAB.lab("start", node), "lab start " + node);
    DrillLab.await("three nodes ready after the restart of " + node, () -> LAB.nodes(node),
        n -> n.lines().filter(l -> l.contains(" Ready")).count() == 3);
  }

  /** A token from {@code berth dashboard token} against the node's socket: its last line. */
  static String token(String node, boolean readOnly) {
    List<String> cmd = Exec.list(Exec.repoRoot().resolve("bin/berth").toString(), "-H", LAB.hosts.get(node), "dashboard", "token");
    if (readOnly) {
      cmd.add("--read-only");
    }
    String out = DrillLab.ok(Exec.run(Map.of(), null, 60, cmd), "berth dashboard token").out().strip();
    return out.substring(out.lastIndexOf('\n') + 1).strip();
  }

  static boolean allRunning(List<String> r) {
    return r.stream().allMatch(l -> l.endsWith(" Running"));
  }

  /** {@code docker service ps}'s running tasks of the service as sorted "TASKID NODE" lines. */
  static List<String> cliTasks(String service) {
    Exec.Result r = LAB.docker(M, "service", "ps", service, "--no-trunc", "--filter", "desired-state=running",
        "--format", "{{.ID}} {{.Node}} {{.CurrentState}}");
    return r.exit() != 0 ? List.of("no answer: " + r.all().strip())
        : r.out().lines().map(l -> l.split(" ")).filter(f -> f.length > 2 && f[2].equals("Running"))
            .map(f -> f[0] + " " + f[1]).sorted().toList();
  }

  /** Waits until the map's boxes of the service are the CLI's running tasks, {@code n} of them. */
  static List<String> awaitMapMatchesCli(String what, String service, int n) throws InterruptedException {
    return browser.await(what, DrillLab.WAIT, () -> List.of(browser.strings(BOXES, service), cliTasks(service)),
        p -> p.get(0).equals(p.get(1)) && p.get(1).size() == n).get(0);
  }

  /**
   * Logs in through the form. Tried up to three times: chromium aborts a navigation when the
   * network namespace's interfaces change (ERR_NETWORK_CHANGED), which they do whenever a
   * container starts on the node.
   */
  static void logIn(String token) throws InterruptedException {
    String last = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      browser.driver.get(URL + "/login");
      List<WebElement> field = browser.driver.findElements(By.name("token"));
      if (field.size() == 1) {
        field.get(0).sendKeys(token);
        field.get(0).submit();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(40).toNanos();
        for (int i = 0; i < 80 && System.nanoTime() < deadline; i++) {
          if (browser.strings(COLUMNS).size() == 3) {
            loggedIn = true;
            return;
          }
          Thread.sleep(500);
        }
      }
      last = browser.driver.getCurrentUrl() + ": " + browser.driver.findElement(By.tagName("body")).getText();
    }
    throw new AssertionError("no cluster map after three logins; last page " + last);
  }

  static void go(String route) {
    assertThat(loggedIn).as("a session from the login of an earlier test").isTrue();
    browser.driver.executeScript("location.hash = arguments[0]", route);
  }

  @Test
  @Order(1)
  void afterTheLoginTheMapShowsEachNodeWithItsTasksWhereTheClusterRunsThem() throws Exception {
    browser.driver.get(URL + "/");
    assertThat(browser.driver.getCurrentUrl()).as("no session: the login form").endsWith("/login");
    WebElement field = browser.driver.findElement(By.name("token"));
    field.sendKeys("not-a-token");
    field.submit();
    assertThat(browser.await("the login form's refusal", BROWSER_WAIT, () -> browser.strings(
        "return [...document.querySelectorAll('main.login [role=alert]')].map(e => e.textContent)"), l -> !l.isEmpty()).get(0))
        .contains("not valid");
    browser.screenshot("login-refused");

    logIn(token(M, false));
    assertThat(browser.strings(COLUMNS)).containsExactly("node1 up", "node2 up", "node3 up");
    List<String> boxes = awaitMapMatchesCli("the map's web boxes as service ps has them", "web", 3);
    assertThat(boxes).extracting(l -> l.split(" ")[1]).containsExactlyInAnyOrder("node1", "node2", "node3");
    browser.screenshot("map");
  }

  @Test
  @Order(2)
  void scalingFromTheServicesPageAddsBoxesToTheMap() throws Exception {
    String id = LAB.out(M, "service", "inspect", "web", "--format", "{{.ID}}").strip();
    go("#/services");
    WebElement scale = browser.await("the scale button of web", BROWSER_WAIT, () -> browser.driver.findElements(
        By.cssSelector("tr[data-id='" + id + "'] button[data-action=scale]")), l -> l.size() == 1).get(0);
    scale.click();
    WebElement input = browser.driver.findElement(By.cssSelector(".dialog input[name=value]"));
    input.clear();
    input.sendKeys("6");
    browser.screenshot("scale-dialog");
    browser.driver.findElement(By.cssSelector(".dialog button.confirm")).click();
    browser.await("the dialog closed (or its error)", BROWSER_WAIT, () -> browser.strings(
        "return [...document.querySelectorAll('.dialog')].map(d => d.querySelector('.error')?.textContent || 'open')"),
        List::isEmpty);
    assertThat(LAB.out(M, "service", "inspect", "web", "--format", "{{.Spec.Mode.Replicated.Replicas}}").strip()).isEqualTo("6");

    go("#/map");
    awaitMapMatchesCli("six web boxes on the map as service ps has them", "web", 6);
    browser.screenshot("map-scaled");

    go("#/service/" + id);
    browser.await("the service page's task rows", BROWSER_WAIT, () -> browser.driver.findElements(
        By.cssSelector("[data-view=tasks] tbody tr[data-id]")).size(), n -> n >= 6);
    browser.screenshot("service");
  }

  @Test
  @Order(3)
  void aRefusedActionShowsTheServersMessage() throws Exception {
    String id = LAB.out(M, "service", "inspect", "web", "--format", "{{.ID}}").strip();
    go("#/services");
    browser.await("the roll back button of web", BROWSER_WAIT, () -> browser.driver.findElements(
        By.cssSelector("tr[data-id='" + id + "'] button[data-action=rollback]")), l -> l.size() == 1).get(0).click();
    browser.driver.findElement(By.cssSelector(".dialog button.confirm")).click();
    // web was never updated: there is no previous spec to return to, and the daemon says so
    String error = browser.await("the server's message in the dialog", BROWSER_WAIT, () -> browser.strings(
        "return [...document.querySelectorAll('.dialog .error')].map(e => e.textContent)"), l -> !l.isEmpty()).get(0);
    assertThat(error).contains("previous spec");
    browser.screenshot("rollback-refused");
    browser.driver.findElement(By.cssSelector(".dialog button.cancel")).click();
  }

  @Test
  @Order(4)
  void aKilledNodesTasksMoveToTheOtherColumns() throws Exception {
    go("#/map");
    List<String> before = awaitMapMatchesCli("the map as before", "web", 6);
    assertThat(before).anyMatch(l -> l.endsWith(" node3"));
    DrillLab.ok(LAB.lab("kill", "node3"), "lab kill node3");
    DrillLab.ok(LAB.lab("disconnect", "node3"), "lab disconnect node3");
    browser.await("node3's column down", DrillLab.WAIT, () -> browser.strings(COLUMNS), c -> c.contains("node3 down"));
    List<String> after = awaitMapMatchesCli("six web boxes on node1 and node2", "web", 6);
    assertThat(after).noneMatch(l -> l.endsWith(" node3"));
    assertThat(after).as("the tasks of the live nodes stay").containsAll(
        before.stream().filter(l -> !l.endsWith(" node3")).toList());
    browser.screenshot("map-node3-down");
  }

  @Test
  @Order(5)
  void aReadOnlyTokenHasNoActionsAndItsForcedWriteIsRefused() throws Exception {
    assertThat(loggedIn).as("a session from the login of an earlier test").isTrue();
    loggedIn = false;
    browser.driver.findElement(By.cssSelector("button.logout")).click();
    browser.await("the login form after the logout", BROWSER_WAIT, () -> browser.driver.findElements(By.name("token")).size(), n -> n == 1);
    logIn(token(M, true));
    assertThat(browser.driver.findElements(By.cssSelector("[data-read-only]"))).hasSize(1);
    String id = LAB.out(M, "service", "inspect", "web", "--format", "{{.ID}}").strip();
    go("#/services");
    browser.await("the services table", BROWSER_WAIT, () -> browser.driver.findElements(By.cssSelector("tr[data-id='" + id + "']")).size(),
        n -> n == 1);
    assertThat(browser.driver.findElements(By.cssSelector("[data-action]"))).as("action buttons").isEmpty();
    go("#/nodes");
    browser.await("the nodes table", BROWSER_WAIT, () -> browser.driver.findElements(By.cssSelector("[data-view=nodes] tbody tr[data-id]")).size(),
        n -> n == 3);
    assertThat(browser.driver.findElements(By.cssSelector("[data-action]"))).as("action buttons").isEmpty();
    browser.screenshot("read-only");

    Object answer = browser.driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        fetch('/api/session').then(r => r.json())
          .then(s => fetch('/api/services/' + arguments[0] + '/scale', {method: 'POST',
            headers: {'Content-Type': 'application/json', 'X-Berth-Csrf': s.csrf}, body: JSON.stringify({Replicas: 1})}))
          .then(async r => done(r.status + ' ' + await r.text()))
          .catch(e => done('failed: ' + e));""", id);
    assertThat(String.valueOf(answer)).startsWith("403 ").contains("read-only");
    assertThat(LAB.out(M, "service", "inspect", "web", "--format", "{{.Spec.Mode.Replicated.Replicas}}").strip()).isEqualTo("6");
  }
}
