package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stacks on a one-node swarm: {@code docker stack deploy|ls|ps|services} of the real docker CLI
 * (which converts the compose file itself and sends networks and services) and {@code berth stack
 * deploy} (berth-compose's loader, several {@code -c} files, {@code .env}), a published port
 * answering through the routing mesh, a named volume with the stack's label, the engine options
 * reaching the task's container, a redeploy that replaces only the changed service, {@code
 * --prune}, and {@code depends_on: service_healthy} holding a dependent's tasks pending.
 */
class StackDeployIT {
  private static final int SLOT_NUMBER = TestDaemon.SLOT.isEmpty() ? 0 : Integer.parseInt(TestDaemon.SLOT.substring(2));
  private static final String LISTEN = "127.0.0.1:" + (24700 + 2 * SLOT_NUMBER);
  private static final int PORT = 18700 + SLOT_NUMBER;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    docker("swarm", "leave", "--force"); // a swarm left by an earlier run that died
    check(docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", LISTEN), "swarm init");
    dir = Files.createTempDirectory(TestDaemon.BASE, "stack");
    for (String v : List.of("1", "2")) {
      Path ctx = Files.createDirectories(dir.resolve("web" + v));
      Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nRUN mkdir -p /www && echo v" + v
          + " > /www/index.html\nCMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n");
      check(docker("build", "-q", "-t", "it/stackweb:" + v, ctx.toString()), "docker build web" + v);
    }
  }

  @AfterAll
  static void stop() {
    docker("swarm", "leave", "--force");
  }

  private static String shop(String webImage, boolean withDb) {
    return """
        services:
          web:
            image: %s
            ports: ["%d:80"]
            networks: [front]
            volumes: ["data:/data"]
            healthcheck: {test: "nc -w 1 127.0.0.1 80 </dev/null", interval: 1s, retries: 3}
            deploy:
              replicas: 2
              update_config: {parallelism: 1, delay: 1s, order: start-first}
          api:
            image: %s
            command: ["sleep", "1d"]
            networks: [front, back]
            extra_hosts: ["db.example:10.0.0.9"]
            dns_search: [example.org]
            stop_signal: SIGINT
            environment: {MODE: one}
        """.formatted(webImage, PORT, IMAGE) + (withDb ? """
          db:
            image: %s
            command: ["sleep", "1d"]
            networks: [back]
            build: .
        """.formatted(IMAGE) : "") + """
        networks:
          front: {}
          back: {}
        volumes:
          data: {}
        """;
  }

  @Test
  void dockerStackDeployRunsTheStackAndARedeployReplacesOnlyTheChangedService() throws Exception {
    Path file = dir.resolve("shop.yml");
    Files.writeString(file, shop("it/stackweb:1", true));
    Exec.Result deploy = docker("stack", "deploy", "-c", file.toString(), "stk");
    check(deploy, "docker stack deploy");
    assertThat(deploy.err()).contains("Ignoring unsupported options: build");
    assertThat(deploy.out()).contains("Creating network stk_front", "Creating network stk_back",
        "Creating service stk_web", "Creating service stk_api", "Creating service stk_db");

    awaitOut(() -> docker("stack", "services", "stk", "--format", "{{.Name}} {{.Mode}} {{.Replicas}} {{.Image}} {{.Ports}}"),
        s -> s.equals("stk_api replicated 1/1 " + IMAGE + " \nstk_db replicated 1/1 " + IMAGE
            + " \nstk_web replicated 2/2 it/stackweb:1 *:" + PORT + "->80/tcp"), "stack services converged");
    assertThat(docker("stack", "ls", "--format", "{{.Name}} {{.Services}}").out().trim()).isEqualTo("stk 3");
    assertThat(docker("stack", "ps", "stk", "--filter", "desired-state=running", "--format", "{{.Name}} {{.CurrentState}}")
        .out().trim().lines()).hasSize(4).allSatisfy(l -> assertThat(l).matches("stk_(web|api|db)\\.\\d Running .*"));
    assertThat(docker("network", "ls", "--filter", "label=com.docker.stack.namespace=stk", "--format", "{{.Name}} {{.Driver}}")
        .out().trim().lines().sorted()).containsExactly("stk_back overlay", "stk_front overlay");

    // the routing mesh answers on the published port; the named volume carries the stack's label
    awaitMesh("v1");
    assertThat(docker("volume", "ls", "--filter", "label=com.docker.stack.namespace=stk", "--format", "{{.Name}}")
        .out().trim()).isEqualTo("stk_data");

    // the engine options of the compose file reach the task's container; the service key is an alias
    String api = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=stk_api").out().trim();
    assertThat(docker("inspect", api, "--format",
        "{{.Config.StopSignal}} {{json .HostConfig.ExtraHosts}} {{json .HostConfig.DnsSearch}}").out().trim())
        .isEqualTo("SIGINT [\"db.example:10.0.0.9\"] [\"example.org\"]");
    assertThat(docker("exec", api, "cat", "/etc/hosts").out()).contains("10.0.0.9\tdb.example");
    assertThat(docker("exec", api, "sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 web 80").out())
        .contains("v1");

    String before = versions();
    String keptTasks = taskIds("stk_api", "stk_db");

    // a changed web image: web rolls (start-first, one at a time), api and db are left alone
    Files.writeString(file, shop("it/stackweb:2", true));
    check(docker("stack", "deploy", "-c", file.toString(), "stk"), "docker stack deploy (changed)");
    awaitOut(() -> docker("service", "inspect", "stk_web", "--format", "{{.UpdateStatus.State}}"),
        "completed"::equals, "web's rolling update");
    awaitOut(() -> docker("stack", "services", "stk", "--filter", "name=stk_web", "--format", "{{.Replicas}} {{.Image}}"),
        "2/2 it/stackweb:2"::equals, "web on v2");
    awaitMesh("v2");
    String after = versions();
    assertThat(after.lines().filter(l -> !l.startsWith("stk_web")).toList())
        .isEqualTo(before.lines().filter(l -> !l.startsWith("stk_web")).toList());
    assertThat(after.lines().filter(l -> l.startsWith("stk_web"))).isNotEqualTo(before.lines().filter(l -> l.startsWith("stk_web")));
    assertThat(taskIds("stk_api", "stk_db")).isEqualTo(keptTasks);

    // --prune removes what the file no longer has
    Files.writeString(file, shop("it/stackweb:2", false));
    Exec.Result pruned = docker("stack", "deploy", "--prune", "-c", file.toString(), "stk");
    check(pruned, "docker stack deploy --prune");
    assertThat(pruned.out()).contains("Removing service stk_db");
    assertThat(docker("stack", "services", "stk", "--format", "{{.Name}}").out().trim().lines())
        .containsExactly("stk_api", "stk_web");

    // docker stack rm also lists the stack's secrets and configs (see the disabled test below)
    check(docker("service", "rm", "stk_api", "stk_web"), "service rm");
    removeNetworks("stk_front", "stk_back");
  }

  @Test
  void berthStackDeployStartsADependentOnlyOnceItsDependencyIsHealthy() throws Exception {
    Path base = dir.resolve("dep.yml");
    Files.writeString(dir.resolve(".env"), "WEB_COMMAND=sleep\n");
    Files.writeString(base, """
        services:
          db:
            image: %s
            command: ["sleep", "1d"]
            healthcheck: {test: "test -f /ready", interval: 1s, retries: 1000}
            container_name: db1
          web:
            image: %s
            command: ["${WEB_COMMAND}", "1d"]
            depends_on:
              db: {condition: service_healthy}
        """.formatted(IMAGE, IMAGE));
    Path override = dir.resolve("dep-replicas.yml");
    Files.writeString(override, "services:\n  web:\n    deploy: {replicas: 2}\n");
    Exec.Result deploy = berth("stack", "deploy", "-c", base.toString(), "-c", override.toString(), "dep");
    check(deploy, "berth stack deploy");
    assertThat(deploy.err()).contains("Ignoring deprecated options:\n\ncontainer_name: Setting the container name is not supported.");
    assertThat(deploy.out()).contains("Creating network dep_default", "Creating service dep_db", "Creating service dep_web");
    assertThat(docker("service", "inspect", "dep_web", "--format", "{{index .Spec.Labels \"io.berth.stack.depends-on\"}}")
        .out().trim()).isEqualTo("dep_db:service_healthy");

    // the db's health check passes only once the test says so: until then web's tasks wait unplaced
    awaitOut(() -> berth("stack", "ps", "dep", "--no-trunc", "--format", "{{.Name}} {{.CurrentState}} {{.Error}}"),
        s -> s.lines().filter(l -> l.startsWith("dep_web.")).count() == 2 && s.lines().filter(l -> l.startsWith("dep_web."))
            .allMatch(l -> l.matches("dep_web\\.\\d Pending .* \"waiting for dependency dep_db \\(service_healthy\\)\""))
            && s.lines().anyMatch(l -> l.startsWith("dep_db.1 Starting")), "web waiting for db to be healthy");
    assertThat(docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=dep_web").out().trim()).isEmpty();

    String db = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=dep_db").out().trim();
    java.time.Instant ready = java.time.Instant.now();
    check(docker("exec", db, "touch", "/ready"), "db ready");
    awaitOut(() -> berth("stack", "services", "dep", "--format", "{{.Name}} {{.Replicas}}"),
        "dep_db 1/1\ndep_web 2/2"::equals, "web running after db is healthy");
    // web's containers were made only after db could turn healthy
    for (String web : docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=dep_web").out().trim().split("\\s+")) {
      java.time.Instant created = java.time.Instant.parse(docker("inspect", web, "--format", "{{.Created}}").out().trim());
      assertThat(created).as("web container created after db's /ready").isAfter(ready);
    }

    Exec.Result ls = berth("stack", "ls");
    assertThat(ls.out()).startsWith("NAME").contains("SERVICES").containsPattern("(?m)^dep\\s+2$");
    assertThat(berth("stack", "services", "dep").out().lines().findFirst().orElse("").split("\\s{2,}"))
        .containsExactly("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS");

    check(berth("service", "rm", "dep_db", "dep_web"), "service rm");
    removeNetworks("dep_default");
  }

  /** The docker CLI's service flags for the same fields reach the task's container too. */
  @Test
  void dockerServiceCreateEngineOptionsReachTheTaskContainer() throws Exception {
    check(docker("service", "create", "-d", "--name", "opts", "--tty", "--init", "--read-only", "--stop-signal", "SIGUSR1",
        "--dns", "10.0.0.2", "--dns-search", "example.org", "--dns-option", "ndots:2", "--host", "db.example:10.0.0.9",
        "--group", "1234", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--ulimit", "nofile=1024:2048",
        "--sysctl", "net.core.somaxconn=512", "--oom-score-adj", "100",
        "--mount", "type=volume,src=optsvol,dst=/data,volume-label=made=by-service,volume-nocopy",
        "--mount", "type=tmpfs,dst=/scratch,tmpfs-size=1m,tmpfs-mode=0700",
        "--mount", "type=bind,src=/tmp,dst=/hosttmp,bind-propagation=rprivate",
        IMAGE, "sleep", "1d"), "service create with engine options");
    awaitOut(() -> docker("service", "ps", "opts", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}"),
        out -> out.startsWith("Running"), "opts running");
    String c = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=opts").out().trim();
    assertThat(docker("inspect", c, "--format", "{{.Config.Tty}} {{.HostConfig.Init}} {{.HostConfig.ReadonlyRootfs}} "
        + "{{.Config.StopSignal}} {{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}} "
        + "{{json .HostConfig.ExtraHosts}} {{json .HostConfig.GroupAdd}} {{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}} "
        + "{{json .HostConfig.Sysctls}} {{.HostConfig.OomScoreAdj}}").out().trim())
        .isEqualTo("true true true SIGUSR1 [\"10.0.0.2\"] [\"example.org\"] [\"ndots:2\"] [\"db.example:10.0.0.9\"] "
            + "[\"1234\"] [\"CAP_NET_ADMIN\"] [\"CAP_MKNOD\"] {\"net.core.somaxconn\":\"512\"} 100");
    // the task's own processes, not an exec'd shell: runc 1.1.5 may raise an exec'd process's nofile
    // soft limit to the hard one (the daemon warns of it at start)
    assertThat(docker("exec", c, "sh", "-c", "grep 'Max open files' /proc/1/limits; cat /proc/sys/net/core/somaxconn")
        .out().trim().lines()).satisfiesExactly(
            limits -> assertThat(limits).matches("Max open files\\s+1024\\s+2048\\s+files\\s*"),
            somaxconn -> assertThat(somaxconn).isEqualTo("512"));
    assertThat(docker("exec", c, "grep", " /scratch ", "/proc/mounts").out()).contains("tmpfs").contains("size=1024k")
        .contains("mode=700");
    assertThat(docker("inspect", c, "--format", "{{range .HostConfig.Mounts}}{{if .BindOptions}}{{.BindOptions.Propagation}}"
        + "{{end}}{{end}}").out().trim()).isEqualTo("rprivate");
    assertThat(docker("volume", "inspect", "optsvol", "--format", "{{json .Labels}}").out().trim())
        .isEqualTo("{\"made\":\"by-service\"}");
    check(docker("service", "rm", "opts"), "service rm opts");
  }

  /** Docker's service templates are expanded on the node: hostname, env and mounts per task. */
  @Test
  void serviceTemplatesExpandPerTask() throws Exception {
    String host = docker("info", "--format", "{{.Name}}").out().trim();
    check(docker("service", "create", "-d", "--name", "tmpl", "--label", "tier=front",
        "--hostname", "{{.Node.Hostname}}-{{.Task.Slot}}",
        "--env", "WHO={{.Service.Name}}/{{.Task.Name}}", "--env", "TIER={{index .Service.Labels \"tier\"}}",
        "--mount", "type=volume,src=tmpl-{{.Task.Slot}},dst=/data", IMAGE, "sleep", "1d"), "service create with templates");
    awaitOut(() -> docker("service", "ps", "tmpl", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}"),
        out -> out.startsWith("Running"), "tmpl running");
    String c = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=tmpl").out().trim();
    String name = docker("inspect", c, "--format", "{{index .Config.Labels \"com.docker.swarm.task.name\"}}").out().trim();
    assertThat(docker("exec", c, "sh", "-c", "hostname; echo $WHO; echo $TIER").out().trim().lines())
        .containsExactly(host + "-1", "tmpl/" + name, "front");
    assertThat(docker("inspect", c, "--format", "{{range .Mounts}}{{.Name}}{{end}}").out().trim()).isEqualTo("tmpl-1");
    check(docker("service", "rm", "tmpl"), "service rm tmpl");
  }

  /**
   * Compose {@code secrets:} and {@code configs:} reach the task as files, and {@code stack rm}
   * (docker's and berth's, which list the stack's secrets and configs too) removes the lot.
   */
  @Test
  void secretsConfigsAndStackRm() throws Exception {
    Files.writeString(dir.resolve("token.txt"), "s3cret\n");
    Files.writeString(dir.resolve("app.conf"), "mode=stack\n");
    Path file = dir.resolve("sec.yml");
    Files.writeString(file, """
        services:
          app:
            image: %s
            command: ["sleep", "1d"]
            secrets: [token]
            configs: [{source: conf, target: /etc/app.conf}]
        secrets:
          token: {file: ./token.txt}
        configs:
          conf: {file: ./app.conf}
        """.formatted(IMAGE));
    Exec.Result deploy = docker("stack", "deploy", "-c", file.toString(), "sec");
    check(deploy, "docker stack deploy");
    assertThat(deploy.out()).contains("Creating secret sec_token", "Creating config sec_conf");
    awaitOut(() -> docker("stack", "services", "sec", "--format", "{{.Replicas}}"), "1/1"::equals, "app running");
    String app = docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=sec_app").out().trim();
    assertThat(docker("exec", app, "cat", "/run/secrets/token").out()).isEqualTo("s3cret\n");
    assertThat(docker("exec", app, "cat", "/etc/app.conf").out()).isEqualTo("mode=stack\n");

    Exec.Result rm = docker("stack", "rm", "sec");
    check(rm, "docker stack rm");
    assertThat(rm.out()).contains("Removing service sec_app", "Removing secret sec_token", "Removing config sec_conf",
        "Removing network sec_default");
    for (String kind : List.of("service", "network", "secret", "config")) {
      assertThat(docker(kind, "ls", "-q", "--filter", "label=com.docker.stack.namespace=sec").out().trim()).as(kind).isEmpty();
    }

    check(berth("stack", "deploy", "-c", file.toString(), "sec2"), "berth stack deploy");
    Exec.Result berthRm = berth("stack", "rm", "sec2");
    check(berthRm, "berth stack rm");
    assertThat(berthRm.out()).contains("Removing service sec2_app", "Removing secret sec2_token");
    assertThat(berth("stack", "ls").out()).doesNotContain("sec2");
  }

  /** The routing mesh answers {@code body} on the published port, every time (it may take a moment to be set up). */
  private static void awaitMesh(String body) throws InterruptedException {
    List<String> last = List.of();
    for (int i = 0; i < 60; i++) {
      last = OverlayProbe.curl("127.0.0.1", PORT, "/", 4);
      if (last.stream().allMatch(body::equals)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the mesh on port " + PORT + " answered " + last + ", not " + body);
  }

  /** Removes the networks once their tasks have left them (a network in use is refused until then). */
  private static void removeNetworks(String... names) throws InterruptedException {
    for (String n : names) {
      awaitOut(() -> {
        Exec.Result r = docker("network", "rm", n);
        return r.exit() == 0 || r.err().contains("not found") ? new Exec.Result(0, "", "") : r;
      }, s -> true, "network " + n + " removed");
    }
  }

  /** {@code NAME VERSION} of each stack service, sorted. */
  private static String versions() {
    return Arrays.stream(docker("service", "ls", "--filter", "label=com.docker.stack.namespace=stk", "-q").out().trim()
            .split("\\s+"))
        .map(id -> docker("service", "inspect", id, "--format", "{{.Spec.Name}} {{.Version.Index}}").out().trim())
        .sorted().reduce("", (a, b) -> a + b + "\n");
  }

  /** The ids of the running tasks of {@code services}, sorted. */
  private static String taskIds(String... services) {
    StringBuilder out = new StringBuilder();
    for (String s : services) {
      out.append(s).append(": ").append(docker("service", "ps", s, "--filter", "desired-state=running", "-q", "--no-trunc")
          .out().trim().lines().sorted().toList()).append('\n');
    }
    return out.toString();
  }

  private static void awaitOut(Supplier<Exec.Result> probe, Predicate<String> ok, String what) throws InterruptedException {
    Exec.Result last = null;
    for (int i = 0; i < 240; i++) {
      last = probe.get();
      if (last.exit() == 0 && ok.test(last.out().trim())) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("waiting for " + what + ": last answer\n" + (last == null ? "" : last.all()));
  }
}
