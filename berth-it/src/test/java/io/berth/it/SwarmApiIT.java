package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Swarm mode's Engine API through the stock docker CLI on a one-node swarm: init, node and service
 * commands, digest pinning through the registry, the errors Docker gives (not in a swarm, options
 * Berth does not honour, stale versions), service events, leave. The image comes from Debian's
 * docker-registry on loopback, so the task's node pulls it by the digest {@code service create}
 * pinned.
 */
class SwarmApiIT {
  private static final Path DIR = Path.of("/tmp/berth-it-swarm" + TestDaemon.SLOT);
  private static final int SLOT_NUMBER = TestDaemon.SLOT.isEmpty() ? 0 : Integer.parseInt(TestDaemon.SLOT.substring(2));
  private static final String REG = "127.0.0.1:" + (25400 + SLOT_NUMBER);
  private static final String LISTEN = "127.0.0.1:" + (24370 + 2 * SLOT_NUMBER);
  private static final String SVC_IMAGE = REG + "/it/svc:1";
  private static final String NOT_IN_SWARM = "This node is not a swarm manager. Use \"docker swarm init\" or "
      + "\"docker swarm join\" to connect this node to swarm and try again.";
  private static Process registry;

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    docker("swarm", "leave", "--force"); // a swarm left by an earlier run that died
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR);
    Files.writeString(DIR.resolve("config.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
        + DIR + "/data\nhttp:\n  addr: " + REG + "\n");
    registry = new ProcessBuilder("docker-registry", "serve", DIR + "/config.yml").redirectErrorStream(true)
        .redirectOutput(DIR.resolve("registry.log").toFile()).start();
    for (int i = 0; i < 100 && Exec.sh("curl -sf http://" + REG + "/v2/").exit() != 0; i++) {
      Thread.sleep(100);
    }
    check(Exec.sh("curl -sf http://" + REG + "/v2/"), "registry start");
    check(docker("save", "-o", DIR + "/img.tar", IMAGE), "save");
    check(Exec.run(Map.of(), null, 120, List.of("skopeo", "copy", "--dest-tls-verify=false",
        "docker-archive:" + DIR + "/img.tar", "docker://" + SVC_IMAGE)), "skopeo push");
  }

  @AfterAll
  static void stop() throws Exception {
    docker("swarm", "leave", "--force");
    if (registry != null) {
      registry.destroy();
      registry.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void distributionInspectGivesTheRegistrysDigest() {
    Exec.Result r = Exec.sh("curl -s --unix-socket " + TestDaemon.SOCKET + " http://localhost/v1.47/distribution/"
        + SVC_IMAGE + "/json");
    check(r, "GET /distribution");
    Exec.Result pull = docker("pull", SVC_IMAGE);
    check(pull, "docker pull");
    String digest = pull.out().replaceAll("(?s).*Digest: (sha256:[0-9a-f]{64}).*", "$1");
    assertThat(r.out()).contains("\"digest\":\"" + digest + "\"")
        .contains("\"Platforms\":[{\"architecture\":\"amd64\",\"os\":\"linux\"}]");
  }

  @Test
  void aNodeInNoSwarmSaysSoAsDocker() {
    assertThat(docker("info", "--format", "{{.Swarm.LocalNodeState}}").out().trim()).isIn("inactive", "active");
    if (docker("info", "--format", "{{.Swarm.LocalNodeState}}").out().trim().equals("inactive")) {
      Exec.Result r = docker("service", "ls");
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains(NOT_IN_SWARM);
      assertThat(docker("node", "ls").err()).contains(NOT_IN_SWARM);
    }
  }

  @Test
  void aOneNodeSwarmRunsServicesThroughTheDockerCli() throws Exception {
    Instant t0 = Instant.now().minusSeconds(1);
    Exec.Result init = docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", LISTEN);
    check(init, "docker swarm init");
    String nodeId = docker("info", "--format", "{{.Swarm.NodeID}}").out().trim();
    assertThat(init.out()).contains("Swarm initialized: current node (" + nodeId + ") is now a manager.")
        .contains("docker swarm join --token SWMTKN-1-");
    assertThat(docker("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Nodes}} "
        + "{{.Swarm.Managers}}").out().trim()).isEqualTo("active true 1 1");
    assertThat(docker("swarm", "init").err()).contains("This node is already part of a swarm.");

    // nodes
    assertThat(docker("node", "ls", "--format", "{{.Self}} {{.Status}} {{.Availability}}").out().trim())
        .isEqualTo("true Ready Active");
    check(nodeUpdate("--availability", "pause", "--label-add", "zone=a", nodeId), "node update");
    assertThat(docker("node", "inspect", "--format", "{{.Spec.Availability}} {{index .Spec.Labels \"zone\"}}",
        "self").out().trim()).isEqualTo("pause a");
    check(nodeUpdate("--availability", "active", nodeId), "node update back");
    assertThat(docker("node", "demote", nodeId).err()).contains("attempting to demote the last manager of the swarm");

    // services: the tag is pinned to the registry's digest
    Exec.Result created = docker("service", "create", "--detach", "--name", "web", "--with-registry-auth",
        "--replicas", "1", SVC_IMAGE, "sh", "-c", "echo hello-from-task; sleep 100000");
    check(created, "service create");
    String image = docker("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}", "web")
        .out().trim();
    assertThat(image).startsWith(SVC_IMAGE + "@sha256:");
    assertThat(docker("service", "inspect", "web").out()).doesNotContain("PullOptions");
    assertThat(docker("service", "create", "--name", "web", SVC_IMAGE).err())
        .contains("name conflicts with an existing object");
    assertThat(docker("service", "create", "--detach", "--name", "pids", "--limit-pids", "10", SVC_IMAGE).err())
        .contains("TaskTemplate.Resources.Limits.Pids is not supported by Berth yet (--limit-pids");
    // an ingress port is allocated (SwarmNetworksIT) and its task runs on the ingress overlay
    check(docker("service", "create", "--detach", "--name", "mesh", "-p", "8080:80", SVC_IMAGE, "sleep", "1d"),
        "mesh service");
    awaitOut(() -> docker("service", "ps", "mesh", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}"),
        out -> out.startsWith("Running"), "the mesh task running");
    check(docker("service", "rm", "mesh"), "service rm mesh");

    awaitOut(() -> docker("service", "ps", "web", "--format", "{{.Name}} {{.CurrentState}}"),
        out -> out.startsWith("web.1 Running"), "web.1 running");
    assertThat(docker("service", "ls", "--format", "{{.Name}} {{.Mode}} {{.Replicas}}").out())
        .contains("web replicated 1/1");
    awaitOut(() -> docker("service", "logs", "web"), out -> out.contains("hello-from-task"), "service logs");
    assertThat(docker("service", "logs", "web").out()).matches("(?s)web\\.1\\.[a-z0-9]+@\\S+\\s+\\| hello-from-task.*");

    check(docker("service", "scale", "--detach", "web=2"), "service scale");
    awaitOut(() -> docker("service", "ls", "--format", "{{.Name}} {{.Replicas}}"), out -> out.contains("web 2/2"),
        "two replicas");

    // a stale version is refused, nothing changes
    String version = docker("service", "inspect", "--format", "{{.Version.Index}}", "web").out().trim();
    check(docker("service", "update", "--detach", "--env-add", "A=1", "web"), "service update");
    Exec.Result stale = Exec.sh("curl -s -X POST -H 'Content-Type: application/json' --unix-socket "
        + TestDaemon.SOCKET + " 'http://localhost/v1.47/services/web/update?version=" + version + "' -d "
        + "\"$(curl -s --unix-socket " + TestDaemon.SOCKET + " http://localhost/v1.47/services/web"
        + " | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[\"Spec\"]))')\"");
    assertThat(stale.out()).contains("update out of sequence");

    // health check flags go through to the task: running once healthy
    check(docker("service", "create", "--detach", "--name", "hc", "--health-cmd", "true", "--health-interval", "1s",
        SVC_IMAGE, "sleep", "100000"), "service create with a health check");
    assertThat(docker("service", "inspect", "--format", "{{json .Spec.TaskTemplate.ContainerSpec.Healthcheck}}", "hc")
        .out()).contains("\"Test\":[\"CMD-SHELL\",\"true\"]").contains("\"Interval\":1000000000");
    awaitOut(() -> docker("service", "ps", "hc", "--format", "{{.Name}} {{.CurrentState}}"),
        out -> out.startsWith("hc.1 Running"), "hc.1 running once healthy");
    check(docker("service", "rm", "hc"), "service rm hc");

    check(docker("service", "rm", "web"), "service rm");
    assertThat(docker("service", "ls", "-q").out().trim()).isEmpty();
    Exec.Result events = docker("events", "--since", Long.toString(t0.getEpochSecond()), "--until",
        Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "type=service",
        "--format", "{{.Action}} {{.Actor.Attributes.name}} {{.Scope}}");
    assertThat(events.out()).contains("create web swarm", "update web swarm", "remove web swarm");

    check(docker("swarm", "leave", "--force"), "swarm leave");
    assertThat(docker("info", "--format", "{{.Swarm.LocalNodeState}}").out().trim()).isEqualTo("inactive");
  }

  /** Repeats {@code probe} until its output passes, at most 120 s, so a slow machine is not a failure. */
  private static void awaitOut(java.util.function.Supplier<Exec.Result> probe, Predicate<String> ok, String what)
      throws InterruptedException {
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

  /**
   * {@code docker node update}, again (at most 3 times) when the node moved between the CLI's read
   * and its write: right after init the managers' own writers (heartbeat status, the allocator's
   * ingress address, the leader's marks) bump the node's version, as swarmkit's do, and the CLI
   * does not retry.
   */
  private static Exec.Result nodeUpdate(String... args) throws Exception {
    String[] full = new String[args.length + 2];
    full[0] = "node";
    full[1] = "update";
    System.arraycopy(args, 0, full, 2, args.length);
    Exec.Result r = docker(full);
    for (int i = 0; i < 2 && r.exit() != 0 && r.err().contains("update out of sequence"); i++) {
      r = docker(full);
    }
    return r;
  }
}
