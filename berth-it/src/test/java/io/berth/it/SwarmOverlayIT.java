package io.berth.it;

import static io.berth.it.DrillLab.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Swarm overlays end to end on a three-node lab (node1 the manager, node2 and node3 workers)
 * through the stock docker CLI: service discovery and VIP balancing across nodes, names that
 * follow scaling and health, the routing mesh on every node (also one without a task) with its
 * source-address rules, host-mode ports, isolation between overlays and of internal ones, and a
 * worker's berthd killed and started again keeping its data path. Client traffic comes from a
 * task container on node1 (busybox nc/nslookup) and from the host (curl to the nodes'
 * addresses). Every wait is bounded; nothing measures time. UDP through the mesh and VIPs is
 * {@link SwarmUdpMeshIT}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmOverlayIT {
  static final DrillLab LAB = new DrillLab("ovit");
  static final OverlayProbe PROBE = new OverlayProbe(LAB);
  static final String M = "node1";
  static final int MESH_PORT = 28610;
  static final int HOST_PORT = 28611;
  static final int N = 8;
  static String image;
  static String front;
  static String hostAddress;
  static String registry;

  @BeforeAll
  static void up() throws Exception {
    LAB.clean();
    LAB.up(3, 1);
    image = LAB.pushBusybox(M, "ovit/busybox:1");
    registry = DrillLab.ok(LAB.lab("registry"), "lab registry").out().strip();
    hostAddress = registry.substring(0, registry.indexOf(':'));
    LAB.out(M, "network", "create", "-d", "overlay", "front");
    LAB.out(M, "network", "create", "-d", "overlay", "other");
    LAB.out(M, "network", "create", "-d", "overlay", "--internal", "closed");
    front = LAB.out(M, "network", "inspect", "--format", "{{.Id}}", "front").strip();
    String workers = "node.role==worker";
    service("client", "--network", "front", "--constraint", "node.hostname==node1", image, "sleep", "1d");
    httpd("back", "--network", "name=front,alias=www", "--replicas", "2", "--constraint", workers);
    httpd("rr", "--network", "front", "--endpoint-mode", "dnsrr", "--replicas", "2", "--constraint", workers);
    httpd("hc", "--network", "front", "--replicas", "2", "--constraint", workers, "--health-cmd", "test -f /www/ok",
        "--health-interval", "1s", "--health-retries", "1");
    httpd("web", "-p", MESH_PORT + ":80", "-p", "80", "--replicas", "2", "--constraint", workers);
    httpd("hostp", "--publish", "mode=host,published=" + HOST_PORT + ",target=80", "--constraint", "node.hostname==node3");
    httpd("iso", "--network", "other", "--constraint", "node.hostname==node2");
    httpd("sealed", "--network", "closed", "--replicas", "2", "--constraint", workers);
    for (String s : List.of("client", "back", "rr", "hc", "web", "hostp", "iso", "sealed")) {
      await(s + " running", () -> LAB.running(M, s), r -> !r.isEmpty() && r.stream().allMatch(l -> l.endsWith(" Running")));
    }
    for (String s : List.of("back", "rr", "hc", "web", "sealed")) {
      assertThat(LAB.running(M, s)).as(s + " spread over the workers").extracting(l -> l.split(" ")[1])
          .containsExactlyInAnyOrder("node2", "node3");
    }
  }

  @AfterAll
  static void down() {
    LAB.down();
  }

  @Test
  @Order(1)
  void servicesOnAnotherNodeAnswerByNameVipTasksAliasAndDnsrr() throws Exception {
    String client = PROBE.container("node1", "client");
    String vip = PROBE.vip(M, "back", front);
    List<String> tasks = PROBE.taskAddresses(M, "back", front);
    assertThat(tasks).hasSize(2);
    assertThat(PROBE.lookup("node1", client, "back")).as("the service name is its VIP").containsExactly(vip);
    assertThat(PROBE.lookup("node1", client, "tasks.back")).as("tasks.NAME").isEqualTo(tasks);
    assertThat(PROBE.lookup("node1", client, "www")).as("an alias resolves as the name").containsExactly(vip);
    assertThat(PROBE.lookup("node1", client, "tasks.www")).as("tasks.ALIAS").isEqualTo(tasks);
    assertThat(PROBE.lookup("node1", client, "rr")).as("dnsrr: the name is the tasks")
        .isEqualTo(PROBE.taskAddresses(M, "rr", front));
    assertThat(PROBE.vip(M, "rr", front)).as("dnsrr has no VIP").isEmpty();

    Set<String> backs = PROBE.hostnames("back").keySet();
    assertThat(new HashSet<>(await("both backends answering through the VIP by name",
        () -> PROBE.gets("node1", client, "back", "/", N), r -> Set.copyOf(r).equals(backs))))
        .isEqualTo(backs);
    assertThat(Set.copyOf(PROBE.gets("node1", client, "www", "/", N))).as("through the alias").isEqualTo(backs);
    assertThat(PROBE.hostnames("rr").keySet()).as("dnsrr by name").containsAll(
        PROBE.gets("node1", client, "rr", "/", 4));
    assertThat(PROBE.gets("node1", client, "rr", "/", 4)).doesNotContain("");
  }

  @Test
  @Order(2)
  void theVipFollowsScaling() throws Exception {
    String client = PROBE.container("node1", "client");
    LAB.out(M, "service", "scale", "--detach", "back=3");
    await("three back tasks running", () -> PROBE.hostnames("back"), h -> h.size() == 3);
    Set<String> three = PROBE.hostnames("back").keySet();
    await("the new task in the rotation", () -> PROBE.gets("node1", client, "back", "/", 3 * 3),
        r -> Set.copyOf(r).equals(three));
    LAB.out(M, "service", "scale", "--detach", "back=2");
    await("back down to two", () -> PROBE.hostnames("back"), h -> h.size() == 2);
    Set<String> two = PROBE.hostnames("back").keySet();
    await("the removed task out of the rotation", () -> PROBE.gets("node1", client, "back", "/", N),
        r -> Set.copyOf(r).equals(two));
    assertThat(PROBE.lookup("node1", client, "tasks.back")).isEqualTo(PROBE.taskAddresses(M, "back", front));
  }

  @Test
  @Order(3)
  void aTaskFailingItsHealthCheckLeavesTheRotation() throws Exception {
    String client = PROBE.container("node1", "client");
    Map<String, String> before = PROBE.hostnames("hc");
    await("both hc tasks answering", () -> PROBE.gets("node1", client, "hc", "/", N),
        r -> Set.copyOf(r).equals(before.keySet()));
    String sick = PROBE.container("node2", "hc");
    String sickName = LAB.out("node2", "inspect", "--format", "{{.Config.Hostname}}", sick).strip();
    DrillLab.ok(PROBE.sh("node2", sick, "rm /www/ok"), "rm /www/ok in " + sick);
    List<String> after = await("the unhealthy task out of the rotation",
        () -> PROBE.gets("node1", client, "hc", "/", N), r -> !r.contains(sickName) && !r.contains(""));
    assertThat(after).doesNotContain(sickName);
  }

  @Test
  @Order(4)
  void theMeshAnswersOnEveryNodeOverAllTasksAndHostPortsOnlyWhereTasksRun() throws Exception {
    Set<String> webs = PROBE.hostnames("web").keySet();
    assertThat(PROBE.hostnames("web").values()).noneMatch(v -> v.startsWith("node1 "));
    for (String node : LAB.addresses.keySet()) {
      String address = LAB.addresses.get(node);
      assertThat(new HashSet<>(await("the mesh port on " + node + " spread over both tasks",
          () -> OverlayProbe.curl(address, MESH_PORT, "/", N), r -> Set.copyOf(r).equals(webs))))
          .isEqualTo(webs);
    }
    String auto = LAB.out(M, "service", "inspect", "--format",
        "{{range .Endpoint.Ports}}{{if ne .PublishedPort " + MESH_PORT + "}}{{.PublishedPort}}{{end}}{{end}}", "web").strip();
    assertThat(Integer.parseInt(auto)).isBetween(30000, 32767);
    assertThat(Set.copyOf(OverlayProbe.curl(LAB.addresses.get("node1"), Integer.parseInt(auto), "/", N)))
        .as("the auto port on a node without a task").isEqualTo(webs);

    String hostp = PROBE.hostnames("hostp").keySet().iterator().next();
    assertThat(OverlayProbe.curl(LAB.addresses.get("node3"), HOST_PORT, "/", 2)).containsOnly(hostp);
    assertThat(OverlayProbe.curl(LAB.addresses.get("node2"), HOST_PORT, "/", 2)).as("mode=host, no task").containsOnly("");
    assertThat(OverlayProbe.curl(LAB.addresses.get("node1"), HOST_PORT, "/", 2)).as("mode=host, no task").containsOnly("");
  }

  @Test
  @Order(5)
  void aLocalTaskSeesTheClientAndARemoteOneTheReceivingNodesIngressAddress() throws Exception {
    Map<String, String> webs = PROBE.hostnames("web");
    String onNode2 = webs.entrySet().stream().filter(e -> e.getValue().startsWith("node2 ")).findFirst().orElseThrow().getKey();
    String onNode3 = webs.entrySet().stream().filter(e -> e.getValue().startsWith("node3 ")).findFirst().orElseThrow().getKey();
    String ingress2 = ingressAddress("node2");
    List<String> seen = clients(LAB.addresses.get("node2"));
    assertThat(seen).as("REMOTE_ADDR HOSTNAME through node2's mesh")
        .containsOnly(hostAddress + " " + onNode2, ingress2 + " " + onNode3)
        .contains(hostAddress + " " + onNode2, ingress2 + " " + onNode3);
    String ingress1 = ingressAddress("node1");
    assertThat(clients(LAB.addresses.get("node1")))
        .as("through node1, which runs no task").containsOnly(ingress1 + " " + onNode2, ingress1 + " " + onNode3);
    // node1 tracks the mesh's connections, not the VXLAN packets that carried them (decision 0047)
    assertThat(conntrack("node1", "tcp", MESH_PORT)).as("mesh connections in node1's conntrack").isNotEmpty();
    assertThat(conntrack("node1", "udp", 4789)).as("VXLAN in node1's conntrack").isEmpty();
  }

  /** The node's conntrack entries of {@code protocol} to port {@code port}. */
  private static List<String> conntrack(String node, String protocol, int port) {
    Exec.Result r = DrillLab.ok(Exec.run(Map.of(), null, 30, Exec.list("ip", "netns", "exec",
        "berth-lab-" + LAB.name + "-" + node, "conntrack", "-L", "-p", protocol, "--dport", Integer.toString(port))),
        "conntrack -L in " + node);
    return r.out().lines().filter(l -> l.startsWith(protocol + " ")).toList();
  }

  @Test
  @Order(6)
  void overlaysAreIsolatedAndAnInternalOneHasNoWayOut() throws Exception {
    String client = PROBE.container("node1", "client");
    String back2 = PROBE.container("node2", "back");
    String other = LAB.out(M, "network", "inspect", "--format", "{{.Id}}", "other").strip();
    String iso = PROBE.taskAddresses(M, "iso", other).getFirst();
    List<String> backs = PROBE.taskAddresses(M, "back", front);
    assertThat(PROBE.connects("node1", client, backs.getFirst(), 80)).as("a task of its own overlay").isTrue();
    assertThat(PROBE.connects("node1", client, iso, 80)).as("another overlay's task, another node").isFalse();
    assertThat(PROBE.connects("node2", back2, iso, 80)).as("another overlay's task, same node").isFalse();
    String isoTask = PROBE.container("node2", "iso");
    assertThat(PROBE.lookup("node2", isoTask, "back")).as("no name of another overlay's service").isEmpty();
    assertThat(PROBE.lookup("node2", isoTask, "tasks.back")).isEmpty();

    String closed = LAB.out(M, "network", "inspect", "--format", "{{.Id}}", "closed").strip();
    String sealed2 = PROBE.container("node2", "sealed");
    String sealed3 = PROBE.container("node3", "sealed");
    String peer = LAB.out("node3", "inspect", "--format", "{{.Config.Hostname}}", sealed3).strip();
    List<String> sealedIps = PROBE.taskAddresses(M, "sealed", closed);
    List<String> answers = new ArrayList<>();
    for (String ip : sealedIps) {
      answers.addAll(PROBE.gets("node2", sealed2, ip, "/", 1));
    }
    assertThat(answers).as("an internal overlay's peers reach each other across nodes").contains(peer);
    int port = Integer.parseInt(registry.substring(registry.indexOf(':') + 1));
    assertThat(PROBE.connects("node1", client, hostAddress, port)).as("a normal overlay's way out").isTrue();
    assertThat(PROBE.connects("node2", sealed2, hostAddress, port)).as("no way out of an internal overlay").isFalse();
  }

  @Test
  @Order(7)
  void aWorkersBerthdRestartedKeepsItsDataPathAndMesh() throws Exception {
    String client = PROBE.container("node1", "client");
    String web2 = PROBE.container("node2", "web");
    Map<String, String> webs = PROBE.hostnames("web");
    Map<String, String> backs = PROBE.hostnames("back");
    DrillLab.ok(LAB.lab("kill", "node2"), "lab kill node2");
    DrillLab.ok(LAB.lab("start", "node2"), "lab start node2");
    await("node2 ready again", () -> LAB.nodes(M), n -> n.contains("node2 Ready"));
    assertThat(PROBE.container("node2", "web")).as("the task adopted, not restarted").isEqualTo(web2);
    assertThat(PROBE.hostnames("back")).isEqualTo(backs);
    await("the VIP reaching both backends after the restart", () -> PROBE.gets("node1", client, "back", "/", N),
        r -> Set.copyOf(r).equals(backs.keySet()));
    await("node2's mesh spread over both tasks after the restart",
        () -> OverlayProbe.curl(LAB.addresses.get("node2"), MESH_PORT, "/", N), r -> Set.copyOf(r).equals(webs.keySet()));
    assertThat(PROBE.container("node2", "web")).isEqualTo(web2);

    // the restarted node follows changes again: names, VIPs in its containers, its mesh
    LAB.out(M, "service", "scale", "--detach", "hc=3", "web=3");
    await("hc and web at three", () -> PROBE.hostnames("hc").size() + PROBE.hostnames("web").size(), n -> n == 6);
    Set<String> hcs = PROBE.hostnames("hc").keySet();
    Set<String> webs3 = PROBE.hostnames("web").keySet();
    String back2 = PROBE.container("node2", "back");
    await("tasks.hc on the restarted node", () -> PROBE.lookup("node2", back2, "tasks.hc"),
        r -> r.equals(PROBE.taskAddresses(M, "hc", front)));
    await("the hc VIP from the restarted node over three tasks", () -> PROBE.gets("node2", back2, "hc", "/", 3 * 3),
        r -> Set.copyOf(r).equals(hcs));
    await("node2's mesh over three tasks", () -> OverlayProbe.curl(LAB.addresses.get("node2"), MESH_PORT, "/", 3 * 3),
        r -> Set.copyOf(r).equals(webs3));
  }

  @Test
  @Order(8)
  void aRemovedServicesNameGoesAndAMeshPortWithoutTasksRefuses() throws Exception {
    String client = PROBE.container("node1", "client");
    String vip = PROBE.vip(M, "hc", front);
    LAB.out(M, "service", "rm", "hc");
    await("hc's name gone", () -> PROBE.lookup("node1", client, "hc") + " " + PROBE.lookup("node1", client, "tasks.hc"),
        r -> r.equals("[] []"));
    assertThat(PROBE.connects("node1", client, vip, 80)).as("the removed service's VIP").isFalse();
    LAB.out(M, "service", "scale", "--detach", "web=0");
    await("the mesh port refused once web has no task", () -> Exec.run(Map.of(), null, 30, Exec.list("curl", "-sS",
        "--max-time", "3", "http://" + LAB.addresses.get("node1") + ":" + MESH_PORT + "/")).exit(), code -> code == 7);
  }

  /** "CLIENT HOSTNAME" of N requests through the mesh port at {@code address} (httpd shows IPv4 clients as ::ffff:A). */
  private static List<String> clients(String address) {
    return OverlayProbe.curl(address, MESH_PORT, "/cgi-bin/ip", N).stream()
        .map(l -> l.replaceFirst("^\\[::ffff:([0-9.]+)]", "$1")).toList();
  }

  /** The node's own address on the ingress network (held on its ingress bridge besides the gateway). */
  private static String ingressAddress(String node) {
    String id = LAB.out(M, "network", "inspect", "--format", "{{.Id}}", "ingress").strip();
    String gateway = LAB.out(M, "network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", "ingress").strip();
    Exec.Result r = Exec.run(Map.of(), null, 30, Exec.list("ip", "-n", "berth-lab-" + LAB.name + "-" + node, "-4", "-o",
        "addr", "show", "dev", "ov-" + id.substring(0, 12)));
    return r.out().lines().map(l -> l.replaceAll(".*inet (\\S+)/.*", "$1")).filter(a -> !a.equals(gateway))
        .findFirst().orElseThrow(() -> new AssertionError("no ingress address on " + node + ": " + r.all()));
  }

  private static void httpd(String name, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(image, "sh", "-c", OverlayProbe.HTTPD));
    service(name, all.toArray(String[]::new));
  }

  private static void service(String name, String... args) {
    List<String> all = new ArrayList<>(List.of("service", "create", "-d", "--name", name, "--stop-grace-period", "1s"));
    all.addAll(List.of(args));
    LAB.out(M, all.toArray(String[]::new));
  }
}
