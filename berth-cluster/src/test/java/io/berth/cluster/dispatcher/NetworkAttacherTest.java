package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.allocator.AllocationPass;
import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.control.TaskQueries;
import io.berth.cluster.dispatcher.Messages.AttachNetworkCall;
import io.berth.cluster.dispatcher.Messages.AttachNetworkReply;
import io.berth.cluster.dispatcher.Messages.DetachNetworkCall;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.network.NetworkView;
import io.berth.cluster.network.NetworkViews;
import io.berth.cluster.orchestrator.Orchestration;
import io.berth.cluster.orchestrator.SchedulingPass;
import io.berth.cluster.orchestrator.TaskReaper;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.scheduler.Scheduler;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.testing.ManualClock;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.NotFoundException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attaching plain containers to swarm networks, on the managers' side: the refusals with
 * swarmkit's texts, the attachment task the allocator gives an address (and the other loops
 * leave alone), the node views that count it, and detach freeing the address.
 */
class NetworkAttacherTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final NetworkControl networks = new NetworkControl(state, clock);
  private final NetworkAttacher attacher = new NetworkAttacher(state, clock);
  private Thread allocator;
  private volatile boolean stop;

  @BeforeEach
  void nodesAndNetworks() {
    node("node2", "192.168.9.2");
    node("node3", "192.168.9.3");
    networks.create(new NetworkSpec("ingress", null, null, false, false, true, null, null));
    networks.create(new NetworkSpec("plain", null, null, false, false, false, null, null));
    networks.create(new NetworkSpec("net", null, null, false, true, false, null, null));
    // the leader's allocator loop, as a thread here: a bounded number of passes
    allocator = Thread.ofVirtual().start(() -> {
      for (int i = 0; i < 2_000 && !stop; i++) {
        new AllocationPass(clock).pass(state.snapshot()).apply(state);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  @AfterEach
  void stopAllocator() throws InterruptedException {
    stop = true;
    allocator.join(5_000);
  }

  @Test
  void aNetworkNotAttachableOrMissingIsRefusedWithSwarmkitsText() {
    assertThatThrownBy(() -> attacher.attach("node2", new AttachNetworkCall("plain", "c1", List.of("a"))))
        .isInstanceOf(ForbiddenException.class).hasMessage("network plain not manually attachable");
    assertThatThrownBy(() -> attacher.attach("node2", new AttachNetworkCall("ingress", "c1", List.of("a"))))
        .isInstanceOf(ForbiddenException.class).hasMessage("network ingress not manually attachable");
    assertThatThrownBy(() -> attacher.attach("node2", new AttachNetworkCall("nosuch", "c1", List.of("a"))))
        .isInstanceOf(NotFoundException.class).hasMessage("network nosuch not found");
    assertThat(state.tasks()).isEmpty();
  }

  @Test
  void resolvingRefusesAsAttachingDoesAndAllocatesNothing() {
    assertThatThrownBy(() -> attacher.resolve("plain"))
        .isInstanceOf(ForbiddenException.class).hasMessage("network plain not manually attachable");
    assertThatThrownBy(() -> attacher.resolve("ingress"))
        .isInstanceOf(ForbiddenException.class).hasMessage("network ingress not manually attachable");
    assertThatThrownBy(() -> attacher.resolve("nosuch"))
        .isInstanceOf(NotFoundException.class).hasMessage("network nosuch not found");
    Network net = networks.inspect("net");
    assertThat(attacher.resolve(net.id().substring(0, 12))).isEqualTo(new Messages.ResolveNetworkReply(net.id(), "net"));
    assertThat(attacher.resolve("net").id()).isEqualTo(net.id());
    assertThat(state.tasks()).isEmpty();
  }

  @Test
  void anAttachmentGetsAnAddressOnItsNodeAndTheOtherLoopsLeaveItAlone() throws Exception {
    AttachNetworkReply a = attacher.attach("node2", new AttachNetworkCall("net", "c1", List.of("a", "web")));
    Network net = networks.inspect("net");
    assertThat(a.address()).startsWith(net.block().subnet().substring(0, net.block().subnet().lastIndexOf('.')));
    assertThat(a.network().id()).isEqualTo(net.id());
    assertThat(a.underlay()).isEqualTo("192.168.9.2");
    Task t = state.task(a.taskId()).orElseThrow();
    assertThat(t.isAttachment()).isTrue();
    assertThat(t.nodeId()).isEqualTo("node2");
    assertThat(t.status().state()).isEqualTo(TaskState.ASSIGNED);
    assertThat(t.networksAttachments().getFirst().addresses()).containsExactly(a.address());

    // the same container and network again: the same task, not a second address
    assertThat(attacher.attach("node2", new AttachNetworkCall("net", "c1", List.of("a"))).taskId()).isEqualTo(t.id());

    // orchestrators, scheduler and reaper write nothing for it; task listings do not show it
    assertThat(Orchestration.pass(state.snapshot(), clock.instant()).isEmpty()).isTrue();
    assertThat(new SchedulingPass(Scheduler.standard(clock)).pass(state.snapshot()).isEmpty()).isTrue();
    assertThat(TaskReaper.pass(state.snapshot()).isEmpty()).isTrue();
    assertThat(new TaskQueries(state, clock).list(io.berth.cluster.control.Filters.NONE)).isEmpty();

    // its node needs the network; the other node has it as a peer and resolves its names
    NetworkViews views = NetworkViews.of(state.snapshot());
    assertThat(views.forNode("node2").networks()).extracting(NetworkView.AttachedNetwork::id).contains(net.id());
    String ip = a.address().substring(0, a.address().indexOf('/'));
    Node node3 = state.node("node3").orElseThrow();
    assertThat(node3.id()).isEqualTo("node3");
    AttachedNetworkProbe on3 = AttachedNetworkProbe.of(views.forNode("node3"), net.id());
    assertThat(on3).as("node3 has no container on net yet, so no copy of it").isNull();
    AttachNetworkReply b = attacher.attach("node3", new AttachNetworkCall("net", "c2", List.of("b")));
    on3 = AttachedNetworkProbe.of(NetworkViews.of(state.snapshot()).forNode("node3"), net.id());
    assertThat(on3.network().peers()).extracting(NetworkView.NetworkPeer::ip).containsExactly(ip);
    assertThat(on3.network().peers()).extracting(NetworkView.NetworkPeer::underlay).containsExactly("192.168.9.2");
    assertThat(on3.network().services()).anySatisfy(s -> {
      assertThat(s.name()).isEqualTo("a");
      assertThat(s.tasks()).containsExactly(ip);
      assertThat(s.aliases()).containsExactly("web");
    });

    // detach removes the task: its address is the next one handed out
    attacher.detach("node2", new DetachNetworkCall("c1", net.id()));
    assertThat(state.task(t.id())).isEmpty();
    attacher.detach("node3", new DetachNetworkCall("c1", net.id())); // another node's: nothing
    AttachNetworkReply c = attacher.attach("node3", new AttachNetworkCall("net", "c3", List.of("c")));
    assertThat(c.address()).isEqualTo(a.address());
    assertThat(b.address()).isNotEqualTo(a.address());
  }

  /** The entry of network {@code id} in a view, or null. */
  private record AttachedNetworkProbe(NetworkView.AttachedNetwork network) {
    static AttachedNetworkProbe of(NetworkView v, String id) {
      return v.networks().stream().filter(n -> n.id().equals(id)).findFirst().map(AttachedNetworkProbe::new)
          .orElse(null);
    }
  }

  private void node(String id, String addr) {
    Node n = new Node(id, null, clock.instant(), clock.instant(), new NodeSpec(null, null, null, null), null,
        new NodeStatus(NodeState.READY, null, addr));
    state.batch().create(n).apply();
  }
}
