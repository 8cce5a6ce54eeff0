package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's python {@code docker-compose} 1.29 (what tutorials type as {@code docker-compose up})
 * against the test berthd, over projects written here: services on several networks reaching
 * each other by name, replicas, named and anonymous volumes, published ports answering on
 * 127.0.0.1, builds, recreates, and every lifecycle command, each project torn down with
 * {@code down -v} leaving no container, network or volume behind.
 */
class DockerComposeIT {
  private static final String COMPOSE = "/usr/bin/docker-compose";
  private static final String WEB_PORT = "18641";
  private static final String COUNTER_PORT = "18642";
  private static final String SITE_PORT = "18643";
  private static final String SHARED_PORT = "18644";
  /** Exits on SIGTERM within a second: a shell as pid 1 ignores it otherwise, and stop waits 10 s. */
  private static final String STOPPABLE = "trap 'exit 0' TERM; while sleep 1; do :; done";
  @TempDir Path dir;
  private final List<String> projects = new ArrayList<>();

  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
    assertThat(Path.of(COMPOSE)).as("docker-compose 1.29 (apt-get install docker-compose)").exists();
  }

  @AfterEach
  void down() {
    for (String p : projects) {
      compose(p, Map.of(), "down", "-v", "--remove-orphans", "-t", "1");
    }
  }

  /** {@code docker-compose -p PROJECT -f DIR/docker-compose.yml ARGS} against the test daemon. */
  private Exec.Result compose(String project, Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.putAll(extraEnv);
    List<String> cmd = new ArrayList<>(List.of(COMPOSE, "--ansi", "never", "-p", project,
        "-f", dir.resolve("docker-compose.yml").toString()));
    cmd.addAll(List.of(args));
    return Exec.run(env, null, 300, cmd);
  }

  private Exec.Result compose(String project, String... args) {
    return compose(project, Map.of(), args);
  }

  private void project(String name, String yaml) throws Exception {
    Files.writeString(dir.resolve("docker-compose.yml"), yaml);
    projects.add(name);
  }

  /** GET through a published port, polled until it answers (a server starts after its container). */
  private static String get(String port, String path) throws InterruptedException {
    Exec.Result r = null;
    for (int i = 0; i < 50 && (r == null || r.exit() != 0); i++) {
      if (r != null) {
        Thread.sleep(100);
      }
      r = Exec.run(Map.of(), null, 20, List.of("curl", "-sf", "-m", "5", "http://127.0.0.1:" + port + path));
    }
    return r.out();
  }

  private static List<String> containers(String project, String... filters) {
    List<String> cmd = new ArrayList<>(List.of("ps", "-aq", "--no-trunc", "--filter", "label=com.docker.compose.project=" + project));
    for (String f : filters) {
      cmd.addAll(List.of("--filter", f));
    }
    String out = docker(cmd.toArray(String[]::new)).out().trim();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }

  private void assertNothingLeft(String project) {
    String label = "label=com.docker.compose.project=" + project;
    assertThat(docker("ps", "-aq", "--filter", label).out()).isBlank();
    assertThat(docker("network", "ls", "-q", "--filter", label).out()).isBlank();
    assertThat(docker("volume", "ls", "-q", "--filter", label).out()).isBlank();
  }

  /**
   * The failing case: compose 1.29 creates a container on its first network, disconnects it
   * from that network and connects it again with its aliases, then connects the others; berthd
   * used to turn the disconnected container into network mode none and refuse the connects.
   */
  @Test
  void servicesOnSeveralNetworksReachEachOtherByNameAndDownLeavesNothing() throws Exception {
    project("dcnets", """
        version: "3.8"
        services:
          web:
            image: it/busybox:1
            command: httpd -f -p 8080 -h /www
            networks: [front, back]
            ports: ["127.0.0.1:%s:8080"]
            depends_on: [api]
            links: ["api:legacy"]
          api:
            image: it/busybox:1
            command: sh -c 'echo api $$HOSTNAME > /www/who; echo api ready; exec httpd -f -p 8081 -h /www'
            networks:
              back:
                aliases: [backend]
            deploy:
              replicas: 2
          probe:
            image: it/busybox:1
            command: sh -c "%s"
            networks: [front]
        networks:
          front: {}
          back: {}
        """.formatted(WEB_PORT, STOPPABLE));
    Exec.Result r = compose("dcnets", "up", "-d");
    check(r, "docker-compose up");
    assertThat(r.all()).doesNotContain("ERROR");
    r = compose("dcnets", "ps");
    assertThat(r.out().lines().filter(l -> l.startsWith("dcnets_")).toList()).hasSize(4)
        .allSatisfy(l -> assertThat(l).contains(" Up "));

    assertThat(get(WEB_PORT, "/hello")).isEqualTo("Hello from Berth\n");
    String web = containers("dcnets", "label=com.docker.compose.service=web").getFirst();
    assertThat(docker("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", web).out().trim())
        .isEqualTo("dcnets_back dcnets_front");
    assertThat(docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", web).out().trim()).isIn("dcnets_back", "dcnets_front");

    // by service name and by alias over the back network, both replicas behind the one name
    assertThat(compose("dcnets", "exec", "-T", "web", "wget", "-qO-", "http://api:8081/who").out()).startsWith("api ");
    String lookup = compose("dcnets", "exec", "-T", "web", "nslookup", "backend").out();
    // a link on a user-defined network is a name for the linking container only; compose links
    // the alias to each replica, and as in Docker the alias names one of them
    String linked = compose("dcnets", "exec", "-T", "web", "nslookup", "legacy").out();
    int replicasLinked = 0;
    for (String id : containers("dcnets", "label=com.docker.compose.service=api")) {
      String ip = docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"dcnets_back\").IPAddress}}", id).out().trim();
      assertThat(lookup).contains("Address: " + ip);
      replicasLinked += linked.contains("Address: " + ip) ? 1 : 0;
    }
    assertThat(replicasLinked).isOne();
    assertThat(docker("inspect", "-f", "{{json (index .NetworkSettings.Networks \"dcnets_back\").Links}}", web).out())
        .containsPattern("\"dcnets_api_[12]:legacy\"");
    // probe shares only the front network: it reaches web there, and api is not its to see
    assertThat(compose("dcnets", "exec", "-T", "probe", "wget", "-qO-", "http://web:8080/hello").out())
        .isEqualTo("Hello from Berth\n");
    assertThat(compose("dcnets", "exec", "-T", "probe", "nslookup", "api").exit()).isNotZero();
    assertThat(compose("dcnets", "exec", "-T", "api", "nslookup", "legacy").exit()).isNotZero();

    assertThat(compose("dcnets", "logs", "--no-color", "api").out().lines().filter(l -> l.endsWith("| api ready")))
        .hasSize(2);
    assertThat(compose("dcnets", "config", "--services").out().lines().sorted().toList())
        .containsExactly("api", "probe", "web");

    check(compose("dcnets", "down", "-v", "-t", "1"), "docker-compose down");
    assertNothingLeft("dcnets");
  }

  /** Scale, restart, stop/start, exec, run --rm, all on a named volume that outlives each container. */
  @Test
  void lifecycleCommandsKeepTheNamedVolumeAndDownRemovesIt() throws Exception {
    project("dclife", """
        version: "2.4"
        services:
          counter:
            image: it/busybox:1
            command: sh -c "echo start >> /data/starts; httpd -p 8080 -h /data; %s"
            volumes: ["data:/data"]
            ports: ["127.0.0.1:%s:8080"]
            healthcheck:
              test: ["CMD", "wget", "-qO", "/dev/null", "http://127.0.0.1:8080/starts"]
              interval: 1s
              retries: 30
          worker:
            image: it/busybox:1
            command: sh -c "%s"
            scale: 2
            depends_on:
              counter: {condition: service_healthy}
            ulimits:
              nofile: {soft: 1024, hard: 2048}
            sysctls:
              net.ipv4.ip_forward: 0
              kernel.shmmax: 123456
            shm_size: 32m
            group_add: ["4242"]
            oom_score_adj: 321
        volumes:
          data: {}
        """.formatted(STOPPABLE, COUNTER_PORT, STOPPABLE));
    check(compose("dclife", "up", "-d"), "docker-compose up");
    // the workers were created only once the counter answered its healthcheck
    assertThat(compose("dclife", "ps", "counter").out()).contains("Up (healthy)");
    assertThat(containers("dclife", "label=com.docker.compose.service=worker")).hasSize(2);
    assertThat(get(COUNTER_PORT, "/starts")).isEqualTo("start\n");

    check(compose("dclife", "up", "-d", "--scale", "worker=3"), "up --scale");
    assertThat(containers("dclife", "label=com.docker.compose.service=worker", "status=running")).hasSize(3);
    check(compose("dclife", "scale", "worker=1"), "scale");
    assertThat(containers("dclife", "label=com.docker.compose.service=worker")).hasSize(1);

    check(compose("dclife", "restart", "-t", "2", "counter"), "restart");
    assertThat(get(COUNTER_PORT, "/starts")).isEqualTo("start\nstart\n");

    check(compose("dclife", "stop", "-t", "2"), "stop");
    assertThat(containers("dclife", "status=running")).isEmpty();
    assertThat(compose("dclife", "ps").out().lines().filter(l -> l.startsWith("dclife_")).toList())
        .hasSize(2).allSatisfy(l -> assertThat(l).contains("Exit"));
    check(compose("dclife", "start"), "start");
    assertThat(get(COUNTER_PORT, "/starts")).isEqualTo("start\nstart\nstart\n");

    Exec.Result r = compose("dclife", "exec", "-T", "-e", "X=from-exec", "worker", "sh", "-c", "echo $X");
    assertThat(r.out()).isEqualTo("from-exec\n");
    // what compose sends in HostConfig beyond the command is applied, not only recorded
    // (the open-files limits as the service's own process has them: runc before 1.1.13 now and
    // then starts an exec'd process with soft = hard, see RuncVersion)
    r = compose("dclife", "exec", "-T", "worker", "sh", "-c", "awk '/Max open files/ {print $4; print $5}'"
        + " /proc/1/limits; cat /proc/sys/net/ipv4/ip_forward"
        + " /proc/sys/kernel/shmmax /proc/1/oom_score_adj; df -k /dev/shm | awk 'NR==2 {print $2}'; id -G");
    assertThat(r.out().lines().toList()).containsExactly("1024", "2048", "0", "123456", "321", "32768", "0 4242");
    // one-off containers: the volume is shared, the service name resolves, and --rm leaves nothing
    r = compose("dclife", "run", "--rm", "-T", "counter", "cat", "/data/starts");
    check(r, "run --rm -T");
    assertThat(r.out()).isEqualTo("start\nstart\nstart\n");
    r = compose("dclife", "run", "--rm", "worker", "wget", "-qO-", "http://counter:8080/starts");
    check(r, "run --rm");
    assertThat(r.out()).contains("start\nstart\nstart\n");
    assertThat(containers("dclife", "label=com.docker.compose.oneoff=True")).isEmpty();

    assertThat(docker("volume", "ls", "-q", "--filter", "label=com.docker.compose.project=dclife").out().trim())
        .isEqualTo("dclife_data");
    check(compose("dclife", "down", "-v", "-t", "1"), "docker-compose down -v");
    assertNothingLeft("dclife");
  }

  /**
   * build: through the classic builder API (docker-py's, and the docker CLI's that 1.29 runs by
   * default), then recreates: compose reads the old image's ContainerConfig to carry anonymous
   * volumes over, which berthd did not answer (API 1.47 has dropped it), so any recreate failed.
   */
  @Test
  void buildsAndRecreatesKeepingTheAnonymousVolume() throws Exception {
    Path site = Files.createDirectories(dir.resolve("site"));
    Files.writeString(site.resolve("Dockerfile"), """
        FROM it/busybox:1
        ARG GREETING=hello
        RUN echo "$GREETING from a compose build" > /www/index.html
        VOLUME /keep
        CMD ["sh", "-c", "httpd -p 8080 -h /www; %s"]
        """.formatted(STOPPABLE));
    project("dcbuild", """
        services:
          site:
            build:
              context: ./site
              args:
                GREETING: "${GREETING:-bonjour}"
            ports: ["127.0.0.1:%s:8080"]
            environment:
              ROUND: "${ROUND:-1}"
        """.formatted(SITE_PORT));
    check(compose("dcbuild", Map.of("COMPOSE_DOCKER_CLI_BUILD", "0"), "build"), "docker-compose build (API)");
    assertThat(docker("images", "-q", "dcbuild_site").out()).isNotBlank();
    check(compose("dcbuild", "up", "-d"), "docker-compose up");
    assertThat(get(SITE_PORT, "/")).isEqualTo("bonjour from a compose build\n");
    check(compose("dcbuild", "exec", "-T", "site", "sh", "-c", "echo kept > /keep/f"), "exec");

    Exec.Result r = compose("dcbuild", Map.of("ROUND", "2"), "up", "-d");
    check(r, "docker-compose up (changed environment)");
    assertThat(r.all()).contains("Recreating dcbuild_site_1");
    assertThat(compose("dcbuild", "exec", "-T", "site", "sh", "-c", "cat /keep/f; echo $ROUND").out())
        .isEqualTo("kept\n2\n");

    r = compose("dcbuild", Map.of("ROUND", "2", "GREETING", "hola"), "up", "-d", "--build");
    check(r, "docker-compose up --build");
    assertThat(r.all()).contains("Recreating dcbuild_site_1");
    assertThat(get(SITE_PORT, "/")).isEqualTo("hola from a compose build\n");
    assertThat(compose("dcbuild", "exec", "-T", "site", "cat", "/keep/f").out()).isEqualTo("kept\n");
    String anonymous = docker("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}",
        containers("dcbuild").getFirst()).out().trim();
    assertThat(anonymous).isNotEmpty();

    check(compose("dcbuild", "down", "-v", "--rmi", "local", "-t", "1"), "docker-compose down -v --rmi local");
    assertNothingLeft("dcbuild");
    assertThat(docker("images", "-q", "dcbuild_site").out()).isBlank();
    assertThat(docker("volume", "ls", "-q").out().lines().toList()).doesNotContain(anonymous);
  }

  /**
   * {@code network_mode: "service:NAME"}: compose creates the container in network mode
   * {@code container:ID}, which berthd refused; it now runs in the other's namespace, with its
   * hostname and names, and answers on the port the other publishes, across a restart. With
   * {@code pid:}, {@code ipc:} and {@code devices:}, which berthd used to record and ignore.
   */
  @Test
  void aServiceRunsInTheNetworkNamespaceOfAnother() throws Exception {
    project("dcshare", """
        services:
          front:
            image: it/busybox:1
            command: sh -c "httpd -p 8080 -h /www; %s"
            ports: ["127.0.0.1:%s:8090"]
          sidecar:
            image: it/busybox:1
            command: sh -c "httpd -p 8090 -h /etc; %s"
            network_mode: "service:front"
            pid: "service:front"
            devices: ["/dev/null:/dev/mynull:rw"]
          other:
            image: it/busybox:1
            command: sh -c "%s"
            ipc: none
        """.formatted(STOPPABLE, SHARED_PORT, STOPPABLE, STOPPABLE));
    check(compose("dcshare", "up", "-d"), "docker-compose up");
    String front = containers("dcshare", "label=com.docker.compose.service=front").getFirst();
    String sidecar = containers("dcshare", "label=com.docker.compose.service=sidecar").getFirst();
    assertThat(docker("inspect", "-f", "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}", sidecar).out().trim())
        .isEqualTo("container:" + front + " {}");
    String frontHostname = compose("dcshare", "exec", "-T", "front", "hostname").out();
    // the sidecar sees front's loopback and interfaces, and answers on the port front publishes
    Exec.Result r = compose("dcshare", "exec", "-T", "sidecar", "sh", "-c",
        "hostname; for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/hello && break; sleep 0.1; done");
    assertThat(r.out()).isEqualTo(frontHostname + "Hello from Berth\n");
    assertThat(get(SHARED_PORT, "/hostname")).isEqualTo(frontHostname);
    String otherIp = docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"dcshare_default\").IPAddress}}",
        containers("dcshare", "label=com.docker.compose.service=other").getFirst()).out().trim();
    assertThat(compose("dcshare", "exec", "-T", "sidecar", "nslookup", "other").out()).contains("Address: " + otherIp);
    // pid: "service:front" shows front's processes; devices: and ipc: none are applied too
    assertThat(compose("dcshare", "exec", "-T", "sidecar", "ps", "-o", "args").out()).contains("httpd -p 8080 -h /www");
    assertThat(compose("dcshare", "exec", "-T", "sidecar", "sh", "-c", "ls -l /dev/mynull; echo x > /dev/mynull && echo written")
        .out()).startsWith("crw").endsWith("written\n");
    assertThat(compose("dcshare", "exec", "-T", "other", "ls", "/dev/shm").exit()).isNotZero();

    // front's restart makes a new namespace; the sidecar joins it when it starts again (compose's
    // restart of both runs them side by side, which races on dockerd as well)
    check(compose("dcshare", "restart", "-t", "2", "front"), "restart front");
    check(compose("dcshare", "restart", "-t", "2", "sidecar"), "restart sidecar");
    assertThat(compose("dcshare", "exec", "-T", "sidecar", "sh", "-c",
        "for i in $(seq 50); do wget -qO- http://127.0.0.1:8080/hello && break; sleep 0.1; done").out())
        .isEqualTo("Hello from Berth\n");
    // what Docker refuses with this mode, and a stopped namespace owner
    String body = "{\"Image\": \"" + TestDaemon.IMAGE + "\", \"HostConfig\": {\"NetworkMode\": \"container:" + front
        + "\", \"PortBindings\": {\"80/tcp\": [{\"HostPort\": \"18999\"}]}}}";
    r = Exec.run(Map.of(), null, 20, List.of("curl", "-s", "-w", " %{http_code}", "--unix-socket", TestDaemon.SOCKET.toString(),
        "-H", "Content-Type: application/json", "-d", body, "http://localhost/v1.47/containers/create"));
    assertThat(r.out()).contains("{\"message\":\"conflicting options: port publishing and the container type network mode\"}")
        .endsWith(" 400");
    check(compose("dcshare", "stop", "-t", "2"), "stop");
    assertThat(docker("start", sidecar).err()).contains("cannot join network namespace of a non running container");
    check(compose("dcshare", "down", "-t", "1"), "docker-compose down");
    assertNothingLeft("dcshare");
  }

  /** The network interfaces a running container sees (/proc/net/dev lists its namespace's). */
  private static List<String> interfaces(String container) {
    Exec.Result r = docker("exec", container, "cat", "/proc/net/dev");
    check(r, "cat /proc/net/dev");
    return r.out().lines().filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':')).trim()).toList();
  }

  /** What compose relies on, through the docker CLI: Docker's answers for a container left with no network. */
  @Test
  void aContainerDisconnectedFromItsOnlyNetworkKeepsItsModeAndIsConnectedAgain() throws Exception {
    check(docker("network", "create", "dc-one"), "network create");
    check(docker("network", "create", "dc-two"), "network create");
    try {
      check(docker("create", "--name", "dc-lone", "--network", "dc-one", TestDaemon.IMAGE, "sh", "-c", STOPPABLE), "create");
      check(docker("network", "disconnect", "dc-one", "dc-lone"), "disconnect");
      assertThat(docker("inspect", "-f", "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}", "dc-lone").out().trim())
          .isEqualTo("dc-one {}");
      check(docker("start", "dc-lone"), "start");
      assertThat(interfaces("dc-lone")).containsExactly("lo");
      check(docker("network", "connect", "dc-two", "dc-lone"), "connect after the last disconnect");
      assertThat(interfaces("dc-lone")).containsExactlyInAnyOrder("eth0", "lo");
      assertThat(docker("inspect", "-f", "{{.HostConfig.NetworkMode}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}",
          "dc-lone").out().trim()).isEqualTo("dc-one dc-two");
      // host and none stay apart from bridged networks, with dockerd's messages
      check(docker("create", "--name", "dc-host", "--network", "host", TestDaemon.IMAGE, "true"), "create host");
      assertThat(docker("network", "connect", "dc-two", "dc-host").err())
          .contains("container sharing network namespace with another container or host cannot be connected to any other network");
      assertThat(docker("network", "connect", "host", "dc-lone").err())
          .contains("cannot connect container to host network - container must be created in host network mode");
    } finally {
      docker("rm", "-f", "dc-lone", "dc-host");
      docker("network", "rm", "dc-one", "dc-two");
    }
  }
}
