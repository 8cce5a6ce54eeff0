package io.berth.cluster.allocator;

import io.berth.cluster.control.NetworkControl;
import io.berth.cluster.control.ServiceControl;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Driver;
import io.berth.cluster.model.EndpointSpec;
import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.IpamOptions;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkAttachmentConfig;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.orchestrator.Orchestration;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.Plan;
import io.berth.cluster.testing.ManualClock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A swarm in a {@link MemoryClusterStore} for the allocator's tests: networks and services made
 * through the control use cases (the routes' path, with their checks), the allocator's pass run
 * by hand and applied as its loop applies it.
 */
final class AllocFixture {
  final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T10:00:00Z"));
  final ClusterState state = new ClusterState(new MemoryClusterStore());
  final NetworkControl networks = new NetworkControl(state, clock);
  final ServiceControl services = new ServiceControl(state, clock);

  /** The ingress network as {@code swarm init} makes it. */
  Network ingress() {
    return networks.create(new NetworkSpec("ingress", null, null, false, false, true, null, null));
  }

  Network overlay(String name) {
    return networks.create(new NetworkSpec(name, null, null, false, false, false, null, null));
  }

  Network overlay(String name, String subnet, String range, String gateway) {
    return networks.create(new NetworkSpec(name, null, new Driver("overlay", null), false, false, false,
        new IpamOptions(null, List.of(new IpamConfig(subnet, range, gateway))), null));
  }

  static PortConfig ingressPort(int target, int published) {
    return new PortConfig(null, null, target, published, PublishMode.INGRESS);
  }

  static PortConfig hostPort(int target, int published) {
    return new PortConfig(null, null, target, published, PublishMode.HOST);
  }

  static ServiceSpec spec(String name, List<String> nets, PortConfig... ports) {
    TaskSpec template = TaskSpec.of(ContainerSpec.of("it/busybox:1"))
        .withNetworks(nets.stream().map(n -> new NetworkAttachmentConfig(n, null, null)).toList());
    return new ServiceSpec(name, null, template, ServiceMode.ofReplicated(1), new EndpointSpec(null, List.of(ports)));
  }

  Service service(String name, List<String> nets, PortConfig... ports) {
    return services.create(spec(name, nets, ports), null);
  }

  Node node(String id) {
    Node n = new Node(id, null, clock.instant(), clock.instant(), new NodeSpec(null, null, null, null), null, null);
    state.batch().create(n).apply();
    return state.node(id).orElseThrow();
  }

  /** One orchestration pass (the services' tasks made, new), applied. */
  void orchestrate() {
    Orchestration.pass(state.snapshot(), clock.instant()).apply(state);
  }

  /** One pass, applied. */
  Plan allocate() {
    Plan p = new AllocationPass(clock).pass(state.snapshot());
    p.apply(state);
    return p;
  }

  /** Passes until one has nothing to write (at most 10). */
  void settle() {
    for (int i = 0; i < 10; i++) {
      if (allocate().isEmpty()) {
        return;
      }
    }
    throw new AssertionError("the allocator did not settle in 10 passes");
  }

  Service stored(Service s) {
    return state.service(s.id()).orElseThrow();
  }

  Network stored(Network n) {
    return state.network(n.id()).orElseThrow();
  }

  /** Every address the swarm handed out: VIPs, task and node attachments. */
  List<String> everyAddress() {
    Stream<String> vips = state.services().stream().filter(s -> s.endpoint() != null)
        .flatMap(s -> s.endpoint().virtualIps().stream().map(v -> v.networkId() + " " + v.addr()));
    Stream<String> tasks = state.tasks().stream().flatMap(t -> t.networksAttachments().stream()
        .flatMap(a -> a.addresses().stream().map(x -> a.network().id() + " " + x)));
    Stream<String> nodes = state.nodes().stream().flatMap(n -> n.attachments().stream()
        .flatMap(a -> a.addresses().stream().map(x -> a.network().id() + " " + x)));
    return Stream.of(vips, tasks, nodes).flatMap(s -> s).toList();
  }

  List<Task> tasksOf(Service s) {
    return state.tasksOfService(s.id());
  }
}
