package io.berth.cluster.scheduler;

import io.berth.cluster.model.Endpoint;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.EngineDescription;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.Placement;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.ResourceRequirements;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import java.util.List;
import java.util.Map;

/** Nodes and tasks for the scheduler's tests, built the way the model's users build them. */
final class Fixtures {
  static final long CPU = 1_000_000_000L;
  static final long GIB = 1L << 30;

  private Fixtures() {}

  /** A ready, active worker on linux/amd64 with 4 CPUs and 8 GiB. */
  static Node node(String id) {
    return node(id, Map.of());
  }

  static Node node(String id, Map<String, String> labels) {
    return new Node(id, null, null, null, new NodeSpec(null, labels, NodeRole.WORKER, NodeAvailability.ACTIVE),
        new NodeDescription("host-" + id, new Platform("x86_64", "linux"), new Resources(4 * CPU, 8 * GIB),
            new EngineDescription("28.0.0", Map.of())),
        new NodeStatus(NodeState.READY, null, "10.0.0.1"));
  }

  static Node withAvailability(Node n, NodeAvailability a) {
    return n.withSpec(n.spec().withAvailability(a));
  }

  static Node down(Node n) {
    return n.withStatus(new NodeStatus(NodeState.DOWN, "heartbeat failure", null));
  }

  static TaskSpec spec() {
    return TaskSpec.of(ContainerSpec.of("busybox"));
  }

  static TaskSpec reserving(long nanoCpus, long memory) {
    return spec().withResources(new ResourceRequirements(null, new Resources(nanoCpus, memory)));
  }

  static TaskSpec constrained(String... constraints) {
    return spec().withPlacement(new Placement(List.of(constraints), null, 0, null));
  }

  static Task pending(String id, String service, TaskSpec spec) {
    return pending(id, service, spec, List.of());
  }

  static Task pending(String id, String service, TaskSpec spec, List<PortConfig> ports) {
    return new Task(id, null, null, null, spec, service, 0, null,
        new TaskStatus(null, TaskState.PENDING, "pending task scheduling", null), TaskState.RUNNING,
        Endpoint.ofPorts(ports));
  }

  static Task running(String id, String service, TaskSpec spec, String node) {
    return new Task(id, null, null, null, spec, service, 0, node,
        new TaskStatus(null, TaskState.RUNNING, "started", null), TaskState.RUNNING, null);
  }

  static NodeInfo info(Node n) {
    return NodeSet.of(List.of(n), List.of()).get(n.id());
  }

  static TaskGroup group(TaskSpec spec) {
    return new TaskGroup("svc", spec, Endpoint.NONE);
  }
}
