package io.berth.cluster.allocator;

import static io.berth.cluster.allocator.AllocFixture.hostPort;
import static io.berth.cluster.allocator.AllocFixture.ingressPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachment;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.VirtualIp;
import io.berth.cluster.state.ClusterState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allocator's pass over a store: networks, node addresses, service endpoints, new tasks. */
class AllocationPassTest {
  private final AllocFixture f = new AllocFixture();

  @Test
  void ingressTakesThePoolsFirstBlockThenUserNetworksTheNextWithUniqueVnis() {
    Network user = f.overlay("front");
    f.clock.advance(java.time.Duration.ofSeconds(1));
    Network ingress = f.ingress();
    f.clock.advance(java.time.Duration.ofSeconds(1));
    Network own = f.overlay("back", "192.168.50.0/24", null, null);
    f.settle();
    assertThat(f.stored(ingress).block().subnet()).isEqualTo("10.0.0.0/24");
    assertThat(f.stored(ingress).block().gateway()).isEqualTo("10.0.0.1");
    assertThat(f.stored(user).block().subnet()).isEqualTo("10.0.1.0/24");
    assertThat(f.stored(own).block().subnet()).isEqualTo("192.168.50.0/24");
    assertThat(List.of(f.stored(ingress).vni(), f.stored(user).vni(), f.stored(own).vni()))
        .containsExactly(4097, 4098, 4099);
    assertThat(f.stored(user).driverState().options()).containsEntry(Network.VXLANID_LIST, "4098");
    assertThatThrownBy(() -> f.overlay("clash", "10.0.1.128/25", null, null))
        .hasMessageContaining("Pool overlaps").hasMessageContaining("front");
  }

  @Test
  void aServiceGetsAVipPerNetworkAndItsPortsAndItsTasksAddressesThenPending() {
    f.ingress();
    Network front = f.overlay("front");
    f.settle();
    Service web = f.service("web", List.of("front"), ingressPort(80, 8080), ingressPort(81, 0), hostPort(82, 9090));
    assertThat(web.spec().taskTemplate().networks().getFirst().target()).as("stored by id").isEqualTo(front.id());
    f.settle();
    Endpoint ep = f.stored(web).endpoint();
    assertThat(ep.ports()).extracting(PortConfig::publishedPort).containsExactly(8080, 30000, 9090);
    assertThat(ep.virtualIps()).extracting(VirtualIp::addr).containsExactly("10.0.1.2/24", "10.0.0.2/24");
    f.orchestrate();
    f.settle();
    Task t = f.tasksOf(web).getFirst();
    assertThat(t.status().state()).isEqualTo(TaskState.PENDING);
    assertThat(t.endpoint()).isEqualTo(ep);
    assertThat(t.networksAttachments()).extracting(a -> a.network().spec().name()).containsExactly("front", "ingress");
    assertThat(t.networksAttachments()).flatExtracting(NetworkAttachment::addresses)
        .containsExactly("10.0.1.3/24", "10.0.0.3/24");
  }

  @Test
  void aPortTheSwarmGaveIsKeptAcrossUpdatesAndFreedWhenDroppedOrRemoved() {
    f.ingress();
    Service a = f.service("a", List.of(), ingressPort(80, 0));
    f.settle();
    assertThat(f.stored(a).endpoint().ports().getFirst().publishedPort()).isEqualTo(30000);
    Service b = f.service("b", List.of(), ingressPort(80, 0));
    f.settle();
    assertThat(f.stored(b).endpoint().ports().getFirst().publishedPort()).isEqualTo(30001);

    ServiceSpec more = AllocFixture.spec("a", List.of(), ingressPort(80, 0), ingressPort(443, 0));
    f.services.update(a.id(), f.stored(a).version().index(), more, null, null);
    f.settle();
    assertThat(f.stored(a).endpoint().ports()).extracting(PortConfig::publishedPort).containsExactly(30000, 30002);

    ServiceSpec fewer = AllocFixture.spec("a", List.of(), ingressPort(443, 0));
    f.services.update(a.id(), f.stored(a).version().index(), fewer, null, null);
    f.settle();
    assertThat(f.stored(a).endpoint().ports()).extracting(PortConfig::publishedPort).containsExactly(30002);
    Service c = f.service("c", List.of(), ingressPort(80, 0));
    f.settle();
    assertThat(f.stored(c).endpoint().ports().getFirst().publishedPort()).as("a's dropped port").isEqualTo(30000);

    f.services.remove("b");
    Service d = f.service("d", List.of(), ingressPort(80, 0));
    f.settle();
    assertThat(f.stored(d).endpoint().ports().getFirst().publishedPort()).as("b's port, b removed").isEqualTo(30001);
  }

  @Test
  void aPublishedPortInUseIsRefusedWithDockersText() {
    f.ingress();
    Service a = f.service("a", List.of(), ingressPort(80, 8080));
    f.settle();
    assertThatThrownBy(() -> f.service("b", List.of(), ingressPort(80, 8080)))
        .hasMessage("rpc error: code = InvalidArgument desc = port '8080' is already in use by service 'a' ("
            + a.id() + ") as an ingress port");
    assertThatThrownBy(() -> f.service("h", List.of(), hostPort(80, 8080)))
        .hasMessageContaining("as an ingress port");
    assertThatCode(() -> f.service("other", List.of(), ingressPort(80, 8081))).doesNotThrowAnyException();
  }

  @Test
  void aTaskWhoseNetworkIsGoneStaysNewSayingSo() {
    Network front = f.overlay("front");
    f.settle();
    Service s = f.service("s", List.of("front"));
    f.state.batch().delete(ClusterState.NETWORKS, front.id()).apply();
    f.orchestrate();
    f.settle();
    Task t = f.tasksOf(s).getFirst();
    assertThat(t.status().state()).isEqualTo(TaskState.NEW);
    assertThat(t.status().err()).isEqualTo("network " + front.id() + " not found");
  }

  @Test
  void eachNodeGetsOneIngressAddressAndANewLeaderAllocatesNothingTwice() {
    f.ingress();
    f.node("n1");
    f.node("n2");
    f.service("web", List.of(), ingressPort(80, 0));
    f.orchestrate();
    f.settle();
    assertThat(f.state.node("n1").orElseThrow().attachments()).hasSize(1);
    assertThat(f.everyAddress()).hasSize(4).doesNotHaveDuplicates();
    assertThat(f.allocate().isEmpty()).as("a fresh pass over the stored state (a new leader) writes nothing").isTrue();
    f.node("n3");
    f.service("api", List.of(), ingressPort(80, 0));
    f.orchestrate();
    f.settle();
    assertThat(f.everyAddress()).hasSize(7).doesNotHaveDuplicates();
  }

  @Test
  void networksInUseAreNotRemovedAndIngressOnlyWhenNoServicePublishesThroughIt() {
    Network ingress = f.ingress();
    Network front = f.overlay("front");
    f.settle();
    Service s = f.service("s", List.of("front"), ingressPort(80, 0));
    assertThatThrownBy(() -> f.networks.remove("front"))
        .hasMessage("rpc error: code = FailedPrecondition desc = network " + front.id() + " is in use by service "
            + s.id());
    assertThatThrownBy(() -> f.networks.remove("ingress"))
        .hasMessageContaining("ingress network cannot be removed because service " + s.id() + " depends on it");
    f.services.remove("s");
    f.networks.remove("front");
    f.networks.remove(ingress.id());
    assertThat(f.state.networks()).isEmpty();
    assertThatThrownBy(() -> f.service("p", List.of(), ingressPort(80, 0)))
        .hasMessageContaining("service needs ingress network, but no ingress network is present");
  }

  @Test
  void aNetworkIsInUseByATaskMeantToRunButNotByATaskWhoseServiceIsGone() {
    f.node("n1");
    Network front = f.overlay("front");
    f.settle();
    Service s = f.service("s", List.of("front"));
    f.orchestrate();
    f.settle();
    Task task = f.tasksOf(s).getFirst();
    // the service no longer names the network, its task still runs on it
    f.services.update(s.id(), f.stored(s).version().index(), AllocFixture.spec("s", List.of()), null, null);
    assertThatThrownBy(() -> f.networks.remove("front"))
        .hasMessage("rpc error: code = FailedPrecondition desc = network " + front.id() + " is in use by task "
            + task.id());
    // `stack rm`: the service goes and its network right after, before any orchestration pass
    f.services.remove("s");
    assertThat(f.state.task(task.id()).orElseThrow().desiredState()).isEqualTo(TaskState.RUNNING);
    f.networks.remove("front");
    assertThat(f.state.networks()).isEmpty();
  }

  @Test
  void dnsrrGetsNoVirtualIpAndRefusesIngressPorts() {
    f.ingress();
    f.overlay("front");
    f.settle();
    ServiceSpec dnsrr = new ServiceSpec("d", null, AllocFixture.spec("d", List.of("front")).taskTemplate(), null,
        new io.berth.cluster.model.EndpointSpec("dnsrr", List.of(hostPort(80, 0))));
    Service d = f.services.create(dnsrr, null);
    f.settle();
    assertThat(f.stored(d).endpoint().virtualIps()).isEmpty();
    assertThatThrownBy(() -> f.services.create(new ServiceSpec("e", null, dnsrr.taskTemplate(), null,
        new io.berth.cluster.model.EndpointSpec("dnsrr", List.of(ingressPort(80, 0)))), null))
        .hasMessageContaining("port published with ingress mode can't be used with dnsrr mode");
    assertThatThrownBy(() -> f.service("x", List.of("ingress")))
        .hasMessageContaining("Service cannot be explicitly attached to the ingress network \"ingress\"");
    assertThatThrownBy(() -> f.service("y", List.of("nope"))).hasMessage("network nope not found");
  }
}
