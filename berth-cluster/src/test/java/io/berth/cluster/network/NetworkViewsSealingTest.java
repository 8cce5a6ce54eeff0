package io.berth.cluster.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.allocator.AllocationPass;
import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Driver;
import io.berth.cluster.model.EndpointSpec;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.network.NetworkView.SealedPeer;
import io.berth.cluster.orchestrator.Orchestration;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.testing.ManualClock;
import io.berth.oci.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sealing part of the nodes' views: keys and tunnel addresses go to the nodes with a task on
 * an encrypted overlay, with the nodes they share one as peers, and to no other node.
 */
class NetworkViewsSealingTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final NetworkControl networks = new NetworkControl(state, clock);
  private final ServiceControl services = new ServiceControl(state, clock);

  @BeforeEach
  void swarm() {
    for (int i = 1; i <= 3; i++) {
      state.batch().create(new Node("n" + i, null, clock.instant(), clock.instant(), null, null,
          new NodeStatus(NodeState.READY, null, "10.77.3.1" + i))).apply();
    }
    networks.create(new NetworkSpec("sec", null, new Driver("overlay", Map.of("encrypted", "")), false, false, false,
        null, null));
    networks.create(new NetworkSpec("plain", null, new Driver("overlay", null), false, false, false, null, null));
  }

  /** A one-replica service on {@code net}, its task placed on {@code node} and running. */
  private void service(String name, String net, String node) {
    TaskSpec template = TaskSpec.of(ContainerSpec.of("it/busybox:1"))
        .withNetworks(List.of(new NetworkAttachmentConfig(net, null, null)));
    services.create(new ServiceSpec(name, null, template, ServiceMode.ofReplicated(1), new EndpointSpec(null, List.of())),
        null);
    Orchestration.pass(state.snapshot(), clock.instant()).apply(state);
    for (int i = 0; i < 5; i++) {
      new AllocationPass(clock).pass(state.snapshot()).apply(state);
    }
    String serviceId = state.services().stream().filter(s -> s.spec().name().equals(name)).findFirst().orElseThrow().id();
    Task t = state.tasksOfService(serviceId).getFirst();
    assertThat(t.networksAttachments()).as("allocated").isNotEmpty();
    state.batch().update(t.withNode(node).withStatus(new TaskStatus(clock.instant(), TaskState.RUNNING, "running", null)))
        .apply();
  }

  @Test
  void onlyNodesOnAnEncryptedOverlayGetKeysAndTheirPeersTunnelAddresses() {
    service("a", "sec", "n1");
    service("b", "sec", "n2");
    service("c", "plain", "n3");
    new OverlayKeyRotation(state, clock, Duration.ofHours(12)).pass();
    OverlayEncryption keys = OverlayEncryption.read(state).orElseThrow();
    NetworkViews views = NetworkViews.of(state);

    NetworkView n1 = views.forNode("n1");
    assertThat(n1.networks()).extracting(NetworkView.AttachedNetwork::name).containsExactly("sec");
    assertThat(n1.sealing()).isNotNull();
    assertThat(n1.sealing().tunnelAddress()).isEqualTo(keys.tunnels().get("n1") + "/16");
    assertThat(n1.sealing().peers()).containsExactly(new SealedPeer(keys.tunnels().get("n2"), "10.77.3.12"));
    assertThat(n1.sealing().keys()).extracting(NetworkView.SealingKey::id).containsExactly(1);
    assertThat(n1.sealing().keys().getFirst().secret()).isEqualTo(keys.keys().getFirst().secret());
    assertThat(n1.sealing().primaryKey()).isEqualTo(1);
    assertThat(views.forNode("n2").sealing().peers()).containsExactly(new SealedPeer(keys.tunnels().get("n1"), "10.77.3.11"));

    assertThat(views.forNode("n3").networks()).extracting(NetworkView.AttachedNetwork::name).containsExactly("plain");
    assertThat(views.forNode("n3").sealing()).as("a node on no encrypted overlay gets no keys").isNull();
    assertThat(new String(Json.bytes(views.forNode("n3")))).doesNotContain("Sealing\":{");
  }

  @Test
  void anOverlayInTheTunnelPoolIsRefusedAtCreate() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> networks.create(new NetworkSpec("in-tunnels", null,
        new Driver("overlay", null), false, false, false, new io.berth.cluster.model.IpamOptions(null,
        List.of(new io.berth.cluster.model.IpamConfig("100.64.8.0/24", null, null))), null)))
        .isInstanceOf(io.berth.errdefs.InvalidArgumentException.class)
        .hasMessageContaining("overlaps 100.64.0.0/16, the tunnel addresses of encrypted overlays");
  }

  @Test
  void noSealingBeforeTheLeaderMadeKeysSoTheNodeLeavesTheNetworkOut() {
    service("a", "sec", "n1");
    assertThat(NetworkViews.of(state).forNode("n1").sealing()).isNull();
  }

  @Test
  void theViewGoesOverTheWireAndBackEqualSoAnUnchangedViewIsNotSentAgain() {
    service("a", "sec", "n1");
    service("b", "sec", "n2");
    new OverlayKeyRotation(state, clock, Duration.ofHours(12)).pass();
    NetworkView v = NetworkViews.of(state).forNode("n1");
    NetworkView back = Json.read(Json.bytes(v), NetworkView.class, "view");
    assertThat(back).isEqualTo(v);
    assertThat(NetworkViews.of(state).forNode("n1")).isEqualTo(v);
    assertThat(v.toString()).doesNotContain(java.util.Base64.getEncoder()
        .encodeToString(v.sealing().keys().getFirst().secret()));
  }
}
