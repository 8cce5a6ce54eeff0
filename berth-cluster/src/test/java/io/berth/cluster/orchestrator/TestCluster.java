package io.berth.cluster.orchestrator;

import io.berth.cluster.state.Plan;
import io.berth.cluster.testing.ManualClock;
import io.berth.cluster.allocator.AllocationPass;
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
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.RestartCondition;
import io.berth.cluster.model.RestartPolicy;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.ServiceSpec;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.scheduler.Scheduler;
import io.berth.cluster.state.ClusterState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A cluster in a {@link MemoryClusterStore} for the orchestrators' tests: nodes and services
 * written as the routes and the dispatcher would, each loop's pass run by hand (one pass, its
 * plan applied as the loop applies it), and the agent's status reports played by {@link #report}.
 */
final class TestCluster {
  static final Instant START = Instant.parse("2026-12-06T10:00:00Z");
  static final long SECOND = 1_000_000_000L;

  final ManualClock clock = new ManualClock(START);
  final ClusterState state = new ClusterState(new MemoryClusterStore());
  final io.berth.cluster.metrics.ClusterTallies tallies = new io.berth.cluster.metrics.ClusterTallies();
  private final SchedulingPass scheduling = new SchedulingPass(Scheduler.standard(clock), clock, tallies);
  private final AllocationPass allocation = new AllocationPass(clock);

  Node addNode(String id) {
    return addNode(id, Map.of());
  }

  Node addNode(String id, Map<String, String> labels) {
    Node n = new Node(id, null, START, START, new NodeSpec(null, labels, NodeRole.WORKER, NodeAvailability.ACTIVE),
        new NodeDescription("host-" + id, new Platform("x86_64", "linux"), new Resources(4 * SECOND, 8L << 30),
            new EngineDescription("28.0.0", Map.of())),
        new NodeStatus(NodeState.READY, null, "10.0.0.1"));
    state.batch().create(n).apply();
    return node(id);
  }

  Node node(String id) {
    return state.node(id).orElseThrow();
  }

  void setNodeState(String id, NodeState s) {
    Node n = node(id);
    state.batch().update(n.withStatus(new NodeStatus(s, null, n.status().addr())).withUpdatedAt(clock.instant())).apply();
  }

  void setAvailability(String id, NodeAvailability a) {
    Node n = node(id);
    state.batch().update(n.withSpec(n.spec().withAvailability(a))).apply();
  }

  static TaskSpec template(RestartPolicy restart) {
    return new TaskSpec(ContainerSpec.of("it/busybox:1"), null, restart, null, 0);
  }

  static RestartPolicy restart(RestartCondition c, long delaySeconds, long maxAttempts) {
    return new RestartPolicy(c, delaySeconds * SECOND, maxAttempts, 0);
  }

  Service createService(String id, ServiceMode mode, TaskSpec template) {
    return createService(id, mode, template, null);
  }

  /** A service named {@code svc-ID} with {@code labels} on its spec. */
  Service createService(String id, ServiceMode mode, TaskSpec template, Map<String, String> labels) {
    Service s = new Service(id, null, clock.instant(), clock.instant(),
        new ServiceSpec("svc-" + id, labels, template, mode, null));
    state.batch().create(s).apply();
    return state.service(id).orElseThrow();
  }

  Service createService(String id, ServiceMode mode) {
    return createService(id, mode, template(RestartPolicy.DEFAULT));
  }

  static TaskSpec constrained(String constraint) {
    return template(RestartPolicy.DEFAULT).withPlacement(new Placement(List.of(constraint), null, 0, null));
  }

  void updateService(String id, ServiceMode mode) {
    Service s = state.service(id).orElseThrow();
    state.batch().update(new Service(s.id(), s.version(), s.createdAt(), clock.instant(),
        new ServiceSpec(s.spec().name(), null, s.spec().taskTemplate(), mode, null))).apply();
  }

  void removeService(String id) {
    state.batch().delete(ClusterState.SERVICES, id).apply();
  }

  /** One orchestration pass, applied. */
  Plan orchestrate() {
    Plan p = Orchestration.pass(state.snapshot(), clock.instant());
    p.apply(state);
    return p;
  }

  /** One allocator pass (new tasks to pending), applied. */
  Plan allocate() {
    Plan p = allocation.pass(state.snapshot());
    p.apply(state);
    return p;
  }

  /** The allocator's pass, then the scheduler's: the scheduler's plan. */
  Plan schedule() {
    allocate();
    Plan p = scheduling.pass(state.snapshot());
    p.apply(state);
    return p;
  }

  Plan reap() {
    Plan p = TaskReaper.pass(state.snapshot());
    p.apply(state);
    return p;
  }

  /** The agent's report: {@code taskId} is now in {@code s}. */
  void report(String taskId, TaskState s) {
    Task t = state.task(taskId).orElseThrow();
    state.batch().update(t.withStatus(t.status().moveTo(s, s.wire(), s == TaskState.FAILED ? "exit 1" : null,
        clock.instant()))).apply();
  }

  /** Every task the agent was given (assigned) reported running. */
  void runAssigned() {
    for (Task t : tasks()) {
      if (t.status().state() == TaskState.ASSIGNED && TaskFacts.wanted(t)) {
        report(t.id(), TaskState.RUNNING);
      }
    }
  }

  List<Task> tasks() {
    return state.tasks().stream().sorted(Comparator.comparingLong(Task::slot).thenComparing(TaskFacts.BY_CREATION)).toList();
  }

  List<Task> tasks(TaskState desired) {
    return tasks().stream().filter(t -> t.desiredState() == desired).toList();
  }

  void advance(long seconds) {
    clock.advance(Duration.ofSeconds(seconds));
  }

  static TaskStatus status(Task t) {
    return t.status();
  }
}
