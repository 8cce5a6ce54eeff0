package io.berth.cluster.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.allocator.AllocationPass;
import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.EndpointSpec;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.network.NetworkView.AttachedNetwork;
import io.berth.cluster.network.NetworkView.MeshTarget;
import io.berth.cluster.network.NetworkView.NetworkPeer;
import io.berth.cluster.network.NetworkView.ServiceRecord;
import io.berth.cluster.orchestrator.Orchestration;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.testing.ManualClock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What each node is told of the swarm's networks, derived from a store the allocator filled:
 * three nodes, {@code ingress} and {@code front}, tasks placed and run by hand as the scheduler
 * and the agents would.
 */
class NetworkViewsTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final NetworkControl networks = new NetworkControl(state, clock);
  private final ServiceControl services = new ServiceControl(state, clock);
  private Network ingress;
  private Network front;

  @BeforeEach
  void swarm() {
    ingress = networks.create(new NetworkSpec("ingress", null, null, false, false, true, null, null));
    front = networks.create(new NetworkSpec("front", null, null, false, false, false, null, null));
    for (int i = 1; i <= 3; i++) {
      Node n = new Node("node" + i, null, clock.instant(), clock.instant(), new NodeSpec(null, null, null, null), null, null)
          .withStatus(new NodeStatus(NodeState.READY, "", "192.168.9." + i));
      state.batch().create(n).apply();
    }
    settle();
  }

  @Test
  void peersAreTheOtherNodesTasksAndNamesListRunningTasksOnly() {
    Service back = service("back", 3, "vip", List.of("www"));
    List<Task> tasks = run(back, "node1", "node2", "node3");
    // node3's task is only assigned: a peer (it must be reachable once it runs), not yet a backend
    state.batch().update(stored(tasks.get(2)).withStatus(new TaskStatus(clock.instant(), TaskState.ASSIGNED, "", null)))
        .apply();

    AttachedNetwork onNode1 = network(NetworkViews.of(state.snapshot()).forNode("node1"), "front");
    assertThat(onNode1.peers()).as("node1's own task is no peer").containsExactlyInAnyOrder(
        new NetworkPeer(ip(tasks.get(1), front), "192.168.9.2", false),
        new NetworkPeer(ip(tasks.get(2), front), "192.168.9.3", false));
    ServiceRecord record = onNode1.services().getFirst();
    assertThat(record.name()).isEqualTo("back");
    assertThat(record.vip()).isEqualTo(bare(stored(back).endpoint().virtualIps().getFirst().addr()));
    assertThat(record.tasks()).as("running tasks only").containsExactlyInAnyOrder(ip(tasks.get(0), front),
        ip(tasks.get(1), front));
    assertThat(record.aliases()).containsExactly("www");
    assertThat(onNode1.subnet()).isEqualTo("10.0.1.0/24");
    assertThat(onNode1.ingress()).isFalse();
    assertThat(NetworkViews.of(state.snapshot()).forNode("node1").underlay()).isEqualTo("192.168.9.1");
  }

  @Test
  void dnsrrHasNoVipAndANodeWithoutTasksGetsNoOverlay() {
    Service rr = service("rr", 1, "dnsrr", List.of());
    List<Task> tasks = run(rr, "node1");
    ServiceRecord record = network(NetworkViews.of(state.snapshot()).forNode("node1"), "front").services().getFirst();
    assertThat(record.vip()).isEmpty();
    assertThat(record.tasks()).containsExactly(ip(tasks.getFirst(), front));
    assertThat(NetworkViews.of(state.snapshot()).forNode("node2").networks()).as("no task, no publishing").isEmpty();
    assertThat(NetworkViews.of(state.snapshot()).forNode("nobody")).isEqualTo(NetworkView.EMPTY);
  }

  @Test
  void theIngressViewReachesANodeWithoutTasksWithTheOtherNodesAsPeers() {
    Service web = services.create(new ServiceSpec("web", null, TaskSpec.of(ContainerSpec.of("it/busybox:1")),
        ServiceMode.ofReplicated(1), new EndpointSpec(null, List.of(new PortConfig(null, null, 80, 8080, PublishMode.INGRESS)))),
        null);
    settle();
    List<Task> tasks = run(web, "node1");

    NetworkView node3 = NetworkViews.of(state.snapshot()).forNode("node3");
    assertThat(node3.ingressAddress()).isEqualTo(nodeAddress("node3"));
    AttachedNetwork in = network(node3, "ingress");
    assertThat(in.ingress()).isTrue();
    assertThat(in.services()).isEmpty();
    assertThat(in.peers()).containsExactlyInAnyOrder(
        new NetworkPeer(ip(tasks.getFirst(), ingress), "192.168.9.1", false),
        new NetworkPeer(bare(nodeAddress("node1")), "192.168.9.1", true),
        new NetworkPeer(bare(nodeAddress("node2")), "192.168.9.2", true));
    assertThat(node3.mesh()).hasSize(1);
    assertThat(node3.mesh().getFirst().ports()).containsExactly(new NetworkView.MeshPort("tcp", 8080, 80));
    assertThat(node3.mesh().getFirst().backends()).containsExactly(new MeshTarget(ip(tasks.getFirst(), ingress), false));
    assertThat(NetworkViews.of(state.snapshot()).forNode("node1").mesh().getFirst().backends())
        .containsExactly(new MeshTarget(ip(tasks.getFirst(), ingress), true));
  }

  @Test
  void aTaskToldToShutDownLeavesTheRotationButStaysReachableUntilItEnded() {
    Service web = services.create(new ServiceSpec("web", null, TaskSpec.of(ContainerSpec.of("it/busybox:1")),
        ServiceMode.ofReplicated(2), new EndpointSpec(null, List.of(new PortConfig(null, null, 80, 8080, PublishMode.INGRESS)))),
        null);
    settle();
    List<Task> tasks = run(web, "node1", "node2");
    state.batch().update(stored(tasks.get(1)).withDesiredState(TaskState.SHUTDOWN)).apply();

    NetworkView node3 = NetworkViews.of(state.snapshot()).forNode("node3");
    assertThat(node3.mesh().getFirst().backends()).as("out of the mesh")
        .containsExactly(new MeshTarget(ip(tasks.getFirst(), ingress), false));
    assertThat(network(node3, "ingress").peers()).as("still reachable for the connections it has")
        .contains(new NetworkPeer(ip(tasks.get(1), ingress), "192.168.9.2", false));
    assertThat(NetworkViews.of(state.snapshot()).forNode("node2").networks()).as("its node keeps its network")
        .anyMatch(n -> n.name().equals("ingress"));

    state.batch().update(stored(tasks.get(1)).withStatus(new TaskStatus(clock.instant(), TaskState.SHUTDOWN, "", null)))
        .apply();
    assertThat(network(NetworkViews.of(state.snapshot()).forNode("node3"), "ingress").peers()).as("gone once stopped")
        .doesNotContain(new NetworkPeer(ip(tasks.get(1), ingress), "192.168.9.2", false));
  }

  @Test
  void theLeastConnectionsLabelReachesTheVipAndTheMeshAndABadValueIsRefusedAtCreate() {
    TaskSpec template = TaskSpec.of(ContainerSpec.of("it/busybox:1"))
        .withNetworks(List.of(new NetworkAttachmentConfig("front", List.of(), null)));
    EndpointSpec published = new EndpointSpec(null, List.of(new PortConfig(null, null, 80, 8080, PublishMode.INGRESS)));
    assertThatThrownBy(() -> services.create(new ServiceSpec("bad", java.util.Map.of("io.berth.lb", "source"), template,
        ServiceMode.ofReplicated(1), published), null)).isInstanceOf(io.berth.errdefs.InvalidArgumentException.class)
        .hasMessageContaining("label io.berth.lb: unknown load-balancing algorithm \"source\"");
    assertThat(state.snapshot().services()).as("nothing half-created").isEmpty();

    Service web = services.create(new ServiceSpec("web", java.util.Map.of("io.berth.lb", "leastconn"), template,
        ServiceMode.ofReplicated(1), published), null);
    settle();
    run(web, "node1");
    NetworkView node1 = NetworkViews.of(state.snapshot()).forNode("node1");
    assertThat(network(node1, "front").services().getFirst().balancing()).isEqualTo("leastconn");
    assertThat(node1.mesh().getFirst().balancing()).isEqualTo("leastconn");
    Service plain = service("plain", 1, "vip", List.of());
    run(plain, "node1");
    assertThat(network(NetworkViews.of(state.snapshot()).forNode("node1"), "front").services())
        .filteredOn(r -> r.name().equals("plain")).extracting(ServiceRecord::balancing).containsExactly("");
  }

  private Service service(String name, int replicas, String mode, List<String> aliases) {
    TaskSpec template = TaskSpec.of(ContainerSpec.of("it/busybox:1"))
        .withNetworks(List.of(new NetworkAttachmentConfig("front", aliases, null)));
    Service s = services.create(new ServiceSpec(name, null, template, ServiceMode.ofReplicated(replicas),
        new EndpointSpec(mode, List.of())), null);
    settle();
    return s;
  }

  /** The service's tasks made, allocated, then placed on {@code nodes} in order and running. */
  private List<Task> run(Service s, String... nodes) {
    Orchestration.pass(state.snapshot(), clock.instant()).apply(state);
    settle();
    List<Task> tasks = state.tasksOfService(s.id()).stream()
        .sorted(java.util.Comparator.comparingLong(Task::slot)).toList();
    for (int i = 0; i < nodes.length; i++) {
      state.batch().update(tasks.get(i).withNode(nodes[i])
          .withStatus(new TaskStatus(clock.instant(), TaskState.RUNNING, "", null))).apply();
    }
    return tasks.stream().map(this::stored).toList();
  }

  private void settle() {
    AllocationPass pass = new AllocationPass(clock);
    for (int i = 0; i < 10; i++) {
      var plan = pass.pass(state.snapshot());
      if (plan.isEmpty()) {
        return;
      }
      plan.apply(state);
    }
    throw new AssertionError("the allocator did not settle in 10 passes");
  }

  private Task stored(Task t) {
    return state.task(t.id()).orElseThrow();
  }

  private Service stored(Service s) {
    return state.service(s.id()).orElseThrow();
  }

  private String nodeAddress(String node) {
    return state.node(node).orElseThrow().attachments().stream().filter(a -> a.network().id().equals(ingress.id()))
        .flatMap(a -> a.addresses().stream()).findFirst().orElseThrow();
  }

  private static String ip(Task t, Network n) {
    return bare(t.networksAttachments().stream().filter(a -> a.network().id().equals(n.id()))
        .flatMap(a -> a.addresses().stream()).findFirst().orElseThrow());
  }

  private static AttachedNetwork network(NetworkView v, String name) {
    return v.networks().stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + v));
  }

  private static String bare(String cidr) {
    return cidr.substring(0, cidr.indexOf('/'));
  }
}
