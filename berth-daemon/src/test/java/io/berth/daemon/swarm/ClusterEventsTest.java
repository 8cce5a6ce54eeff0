package io.berth.daemon.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The events every manager derives from the store: what the API, the dispatcher and the leader's
 * marks write all become Docker's node and service events, with dockerd's attributes.
 */
class ClusterEventsTest {
  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final List<String> seen = new ArrayList<>();
  private final ClusterEvents events = new ClusterEvents(state,
      (type, action, id, attrs) -> seen.add(type + " " + action + " " + id + " " + attrs));

  @Test
  void secretsAndConfigsTellTheirCreateLabelUpdateAndRemoval() {
    state.useSecretsKey(io.berth.cluster.ca.keys.SecretsKey.generate());
    var secrets = new io.berth.cluster.control.PayloadControl(state, io.berth.cluster.control.PayloadKind.SECRET,
        java.time.Clock.fixed(AT, java.time.ZoneOffset.UTC));
    var configs = new io.berth.cluster.control.PayloadControl(state, io.berth.cluster.control.PayloadKind.CONFIG,
        java.time.Clock.fixed(AT, java.time.ZoneOffset.UTC));
    events.start().close();
    var pw = secrets.create(new io.berth.cluster.model.PayloadSpec("pw", java.util.Map.of(), new byte[] {1}, null, null));
    var conf = configs.create(new io.berth.cluster.model.PayloadSpec("app.conf", null, new byte[] {2}, null, null));
    events.pass();
    secrets.update("pw", pw.version().index(), new io.berth.cluster.model.PayloadSpec("pw",
        java.util.Map.of("a", "b"), null, null, null));
    configs.remove("app.conf");
    events.pass();
    assertThat(seen).containsExactly("secret create " + pw.id() + " {name=pw}", "config create " + conf.id()
        + " {name=app.conf}", "secret update " + pw.id() + " {name=pw}", "config remove " + conf.id() + " {name=app.conf}");
  }

  @Test
  void objectsPresentAtStartAreNotNewsButEveryLaterChangeIs() {
    state.batch().create(node("n1", "alpha", NodeState.READY, null)).apply();
    events.start().close(); // seeds what it found; the watch thread is not needed here
    events.pass();
    assertThat(seen).as("n1 was there before").isEmpty();

    state.batch().create(node("n2", "beta", NodeState.UNKNOWN, null)).apply();
    Node n2 = state.node("n2").orElseThrow();
    state.batch().update(n2.withStatus(new NodeStatus(NodeState.READY, null, "10.0.0.2"))).apply();
    events.pass();
    assertThat(seen).as("a join, then its first heartbeat, between two passes: one create")
        .containsExactly("node create n2 {name=beta}");

    seen.clear();
    Node n1 = state.node("n1").orElseThrow();
    state.batch().update(n1.withStatus(new NodeStatus(NodeState.DOWN, "heartbeat failure", "10.0.0.1"))
        .withSpec(n1.spec().withAvailability(NodeAvailability.DRAIN))).apply();
    events.pass();
    assertThat(seen).containsExactly("node update n1 {name=alpha, availability.old=active, availability.new=drain, "
        + "state.old=ready, state.new=down}");

    seen.clear();
    n2 = state.node("n2").orElseThrow();
    state.batch().update(n2.withManagerStatus(new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, "a"))).apply();
    events.pass();
    n2 = state.node("n2").orElseThrow();
    state.batch().update(n2.withManagerStatus(new ManagerStatus(true, ManagerStatus.Reachability.REACHABLE, "a"))).apply();
    events.pass();
    state.batch().delete(ClusterState.NODES, "n1").apply();
    events.pass();
    assertThat(seen).containsExactly("node update n2 {name=beta}", "node update n2 {name=beta, leader.old=false, leader.new=true}",
        "node remove n1 {name=alpha}");
  }

  @Test
  void servicesTellTheirImageAndReplicasChanges() {
    events.start().close();
    state.batch().create(new Service("s1", null, AT, AT, spec("web", "it/busybox:1", 2))).apply();
    events.pass();
    Service s1 = state.service("s1").orElseThrow();
    state.batch().update(new Service("s1", s1.version(), AT, AT, spec("web", "it/busybox:2", 3))).apply();
    events.pass();
    state.batch().delete(ClusterState.SERVICES, "s1").apply();
    events.pass();
    assertThat(seen).containsExactly("service create s1 {name=web}",
        "service update s1 {name=web, image.old=it/busybox:1, image.new=it/busybox:2, replicas.old=2, replicas.new=3}",
        "service remove s1 {name=web}");
  }

  @Test
  void swarmNetworksTellCreateUpdateAndRemoveByName() {
    state.batch().create(new Network("old", null, AT, AT, netSpec("ingress"), null, null)).apply();
    events.start().close();
    state.batch().create(new Network("n1", null, AT, AT, netSpec("front"), null, null)).apply();
    events.pass();
    Network n1 = state.network("n1").orElseThrow();
    state.batch().update(n1.withAllocation(4097, new IpamConfig("10.0.1.0/24", null, "10.0.1.1"), AT)).apply();
    events.pass();
    state.batch().delete(ClusterState.NETWORKS, "n1").apply();
    events.pass();
    assertThat(seen).as("ingress was there before; the allocator's write is the update").containsExactly(
        "network create n1 {name=front}", "network update n1 {name=front}", "network remove n1 {name=front}");
  }

  private static NetworkSpec netSpec(String name) {
    return new NetworkSpec(name, null, null, false, false, name.equals("ingress"), null, null);
  }

  private static Node node(String id, String hostname, NodeState s, ManagerStatus manager) {
    return new Node(id, null, AT, AT, new NodeSpec(null, Map.of(), NodeRole.WORKER, NodeAvailability.ACTIVE),
        new NodeDescription(hostname, null, null, null), new NodeStatus(s, null, "10.0.0.1"), manager);
  }

  private static ServiceSpec spec(String name, String image, long replicas) {
    return new ServiceSpec(name, null, new TaskSpec(ContainerSpec.of(image), null, null, null, 0),
        ServiceMode.ofReplicated(replicas), null);
  }
}
