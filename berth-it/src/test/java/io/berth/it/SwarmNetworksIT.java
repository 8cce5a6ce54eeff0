package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The swarm's networks and the allocator through the real docker CLI on a one-node swarm:
 * {@code network create -d overlay/ls/inspect/rm}, services on a network with published ports
 * (one given by the swarm, shown by {@code service ls}), a port in use refused, tasks given
 * addresses, ports freed by {@code service rm}.
 */
class SwarmNetworksIT {
  private static final int SLOT_NUMBER = TestDaemon.SLOT.isEmpty() ? 0 : Integer.parseInt(TestDaemon.SLOT.substring(2));
  private static final String LISTEN = "127.0.0.1:" + (24500 + 2 * SLOT_NUMBER);
  private static final String PORT = Integer.toString(18080 + SLOT_NUMBER);
  private static final String BERTH_PORT = Integer.toString(18570 + SLOT_NUMBER);

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    docker("swarm", "leave", "--force"); // a swarm left by an earlier run that died
  }

  @AfterAll
  static void stop() {
    docker("swarm", "leave", "--force");
  }

  @Test
  void overlayNetworksServicesAndTheirAllocationsThroughTheDockerCli() throws Exception {
    check(docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", LISTEN), "swarm init");
    assertThat(docker("network", "ls", "--filter", "scope=swarm", "--format", "{{.Name}} {{.Driver}} {{.Scope}}")
        .out().trim()).isEqualTo("ingress overlay swarm");
    awaitOut(() -> docker("network", "inspect", "ingress", "--format", "{{.Ingress}} {{json .IPAM.Config}}"),
        s -> s.equals("true [{\"Subnet\":\"10.0.0.0/24\",\"Gateway\":\"10.0.0.1\"}]"), "ingress allocated");

    check(docker("network", "create", "-d", "overlay", "--attachable", "--subnet", "10.231.0.0/24", "--opt",
        "encrypted", "front"), "network create");
    assertThat(docker("network", "inspect", "front", "--format",
        "{{.Scope}} {{.Driver}} {{.Attachable}} {{json .IPAM.Config}} {{index .Options \"encrypted\"}}|"
            + "{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}").out().trim())
        .isEqualTo("swarm overlay true [{\"Subnet\":\"10.231.0.0/24\",\"Gateway\":\"10.231.0.1\"}] |4098");
    assertThat(docker("network", "create", "-d", "overlay", "--subnet", "10.231.0.128/25", "clash").err())
        .contains("Pool overlaps with other one on this address space");
    assertThat(docker("network", "create", "-d", "overlay", "--opt", "com.docker.network.driver.mtu=1400", "mtu").err())
        .contains("overlay network option \"com.docker.network.driver.mtu\" is not supported by Berth");

    check(docker("service", "create", "-d", "--name", "web", "--network", "name=front,alias=www", "-p", PORT + ":80",
        "-p", "80", IMAGE, "sleep", "1d"), "service create");
    awaitOut(() -> docker("service", "ls", "--filter", "name=web", "--format", "{{.Ports}}"),
        s -> s.matches("\\*:" + PORT + "->80/tcp, \\*:30000->80/tcp"), "published ports in service ls");
    assertThat(docker("service", "inspect", "web", "--format",
        "{{range .Endpoint.Ports}}{{.PublishedPort}} {{end}}{{len .Endpoint.VirtualIPs}}").out().trim())
        .isEqualTo(PORT + " 30000 2");
    assertThat(docker("service", "create", "-d", "--name", "web2", "-p", PORT + ":81", IMAGE, "sleep", "1d").err())
        .contains("port '" + PORT + "' is already in use by service 'web' (").contains(") as an ingress port");

    awaitOut(() -> docker("service", "ps", "web", "-q", "--no-trunc"), s -> !s.isEmpty(), "a task");
    String task = docker("service", "ps", "web", "-q", "--no-trunc").out().trim();
    awaitOut(() -> docker("inspect", task, "--format",
        "{{range .NetworksAttachments}}{{.Network.Spec.Name}}={{index .Addresses 0}} {{end}}"),
        s -> s.matches("front=10\\.231\\.0\\.\\d+/24 ingress=10\\.0\\.0\\.\\d+/24"), "the task's addresses");
    awaitOut(() -> docker("service", "ps", "web", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}"),
        s -> s.startsWith("Running"), "the task running on its networks");
    String container = docker("ps", "-q", "--filter", "label=com.docker.swarm.task.id=" + task).out().trim();
    assertThat(docker("exec", container, "ip", "-o", "-4", "addr", "show").out())
        .as("the task's interfaces carry the allocated addresses").contains("10.231.0.").contains("10.0.0.");
    assertThat(docker("network", "ls", "--filter", "name=front", "--format", "{{.Name}} {{.Scope}}").out().trim())
        .as("listed once, as the swarm's").isEqualTo("front swarm");

    assertThat(docker("network", "rm", "front").err()).contains("is in use by service");
    check(docker("service", "rm", "web"), "service rm");
    check(docker("service", "create", "-d", "--name", "again", "-p", PORT + ":80", "-p", "80", IMAGE, "sleep", "1d"),
        "a service takes the freed ports");
    awaitOut(() -> docker("service", "inspect", "again", "--format", "{{range .Endpoint.Ports}}{{.PublishedPort}} {{end}}"),
        s -> s.equals(PORT + " 30000"), "the freed ports taken again");
    check(docker("service", "rm", "again"), "service rm again");
    check(docker("network", "rm", "front"), "network rm");
    assertThat(docker("network", "ls", "--filter", "scope=swarm", "--format", "{{.Name}}").out().trim()).isEqualTo("ingress");
    check(docker("swarm", "leave", "--force"), "swarm leave");
  }

  /**
   * The same through berth's own CLI: {@code berth service create -p --network --update-order},
   * the settings as {@code service inspect} shows them, the port in {@code service ls}, then
   * {@code service update --env-add} and {@code service rollback} back to the previous spec.
   */
  @Test
  void theBerthCliPublishesAttachesAndRollsBack() throws Exception {
    docker("swarm", "leave", "--force");
    check(docker("swarm", "init", "--advertise-addr", "127.0.0.1", "--listen-addr", LISTEN), "swarm init");
    check(TestDaemon.berth("network", "create", "-d", "overlay", "back"), "berth network create");
    check(TestDaemon.berth("service", "create", "-d", "--name", "bweb", "-p", BERTH_PORT + ":8080", "--network", "name=back,alias=api",
        "--update-order", "start-first", "--update-parallelism", "2", IMAGE, "sleep", "1d"), "berth service create");
    assertThat(TestDaemon.berth("service", "inspect", "bweb", "--format",
        "{{range .Spec.EndpointSpec.Ports}}{{.PublishMode}} {{.PublishedPort}}:{{.TargetPort}}/{{.Protocol}}{{end}}|"
            + "{{range .Spec.TaskTemplate.Networks}}{{.Aliases}}{{end}}|{{.Spec.UpdateConfig.Order}} {{.Spec.UpdateConfig.Parallelism}}")
        .out().trim()).isEqualTo("ingress " + BERTH_PORT + ":8080/tcp|[api]|start-first 2");
    String backId = docker("network", "inspect", "back", "--format", "{{.Id}}").out().trim();
    assertThat(TestDaemon.berth("service", "inspect", "bweb", "--format", "{{range .Spec.TaskTemplate.Networks}}{{.Target}}{{end}}")
        .out().trim()).as("attached by id, as docker's CLI sends it").isEqualTo(backId);
    awaitOut(() -> TestDaemon.berth("service", "ls", "--filter", "name=bweb", "--format", "{{.Ports}}"),
        s -> s.equals("*:" + BERTH_PORT + "->8080/tcp"), "the published port in berth service ls");

    check(TestDaemon.berth("service", "update", "-d", "--env-add", "V=2", "bweb"), "berth service update");
    check(TestDaemon.berth("service", "rollback", "-d", "bweb"), "berth service rollback");
    awaitOut(() -> TestDaemon.berth("service", "inspect", "bweb", "--format",
        "{{json .Spec.TaskTemplate.ContainerSpec.Env}} {{json .PreviousSpec.TaskTemplate.ContainerSpec.Env}}"),
        s -> !s.startsWith("[\"V=2\"]") && s.endsWith("[\"V=2\"]"), "the spec rolled back to the one before the update");
    assertThat(TestDaemon.berth("service", "rollback", "-d", "nosuch").err()).contains("nosuch");
    check(TestDaemon.berth("service", "rm", "bweb"), "service rm");
    check(docker("network", "rm", "back"), "network rm");
    check(docker("swarm", "leave", "--force"), "swarm leave");
  }

  /** Repeats {@code probe} until its output passes, at most 60 s, so a slow machine is not a failure. */
  private static void awaitOut(java.util.function.Supplier<Exec.Result> probe, Predicate<String> ok, String what)
      throws InterruptedException {
    Exec.Result last = null;
    for (int i = 0; i < 120; i++) {
      last = probe.get();
      if (last.exit() == 0 && ok.test(last.out().trim())) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("waiting for " + what + ": last answer\n" + (last == null ? "" : last.all()));
  }
}
