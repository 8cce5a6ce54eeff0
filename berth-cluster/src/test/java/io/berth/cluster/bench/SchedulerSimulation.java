package io.berth.cluster.bench;

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
import io.berth.cluster.model.PlacementPreference;
import io.berth.cluster.model.Platform;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.ResourceRequirements;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskSpec;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.TaskStatus;
import io.berth.cluster.scheduler.Decisions;
import io.berth.cluster.scheduler.NodeSet;
import io.berth.cluster.scheduler.Scheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The scheduler benchmark's simulation (bench/cluster.sh runs it; in test sources because it is
 * a measurement, not part of Berth): NODES nodes with mixed labels, platforms, sizes and states,
 * then TASKS pending tasks of services with mixed constraints, reservations, spread preferences,
 * per-node limits and host ports, scheduled in batches of whole services as an orchestrator
 * would hand them over. Prints placements per second over the time spent in the scheduler.
 * Seeded, so every run schedules the same cluster.
 *
 * <p>Arguments: [NODES [TASKS [TASKS_PER_SERVICE [SERVICES_PER_BATCH [SEED]]]]], default
 * 10000 1000000 500 100 14.
 */
public final class SchedulerSimulation {
  private static final long CPU = 1_000_000_000L;
  private static final long MIB = 1L << 20;
  private static final String[] ZONES = {"z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8", "z9"};

  private SchedulerSimulation() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int perService = args.length > 2 ? Integer.parseInt(args[2]) : 500;
    int servicesPerBatch = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 14;
    SplittableRandom random = new SplittableRandom(seed);

    long t0 = System.nanoTime();
    List<Node> cluster = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      cluster.add(node(i, random));
    }
    NodeSet set = NodeSet.of(cluster, List.of());
    long built = System.nanoTime() - t0;

    Scheduler scheduler = Scheduler.standard(Clock.systemUTC());
    int services = (tasks + perService - 1) / perService;
    long scheduling = 0;
    long assigned = 0;
    long pending = 0;
    long made = 0;
    String sampleErr = null;
    double slowest = Double.MAX_VALUE;
    double fastest = 0;
    for (int first = 0; first < services; first += servicesPerBatch) {
      List<Task> batch = new ArrayList<>(perService * servicesPerBatch);
      for (int s = first; s < Math.min(services, first + servicesPerBatch) && made < tasks; s++) {
        TaskSpec spec = spec(s, random);
        List<PortConfig> ports = s % 97 == 0
            ? List.of(new PortConfig(null, null, 80, 20_000 + s, PublishMode.HOST)) : List.of();
        for (int k = 0; k < perService && made < tasks; k++, made++) {
          batch.add(new Task("t" + made, null, null, null, spec, "svc" + s, k + 1, null,
              new TaskStatus(null, TaskState.PENDING, "pending task scheduling", null), TaskState.RUNNING,
              Endpoint.ofPorts(ports)));
        }
      }
      long start = System.nanoTime();
      Decisions d = scheduler.schedule(set, batch);
      long took = System.nanoTime() - start;
      scheduling += took;
      assigned += d.assigned().size();
      pending += d.pending().size();
      if (sampleErr == null && !d.pending().isEmpty()) {
        sampleErr = d.pending().getFirst().status().err();
      }
      double rate = batch.size() / (took / 1e9);
      slowest = Math.min(slowest, rate);
      fastest = Math.max(fastest, rate);
    }
    long wall = System.nanoTime() - t0;
    System.out.printf("nodes %d, tasks %d (%d services of %d, %d services per batch), seed %d%n",
        nodes, made, services, perService, servicesPerBatch, seed);
    System.out.printf("assigned %d, left pending %d (e.g. \"%s\")%n", assigned, pending, sampleErr);
    System.out.printf("node set built in %.2f s; scheduling %.2f s; whole run %.2f s%n",
        built / 1e9, scheduling / 1e9, wall / 1e9);
    System.out.printf("batch rate: slowest %.0f/s, fastest %.0f/s%n", slowest, fastest);
    System.out.printf("placements per second: %.0f%n", made / (scheduling / 1e9));
  }

  /** 10 zones, 100 racks, a third ssd, a tenth arm64 and a tenth with a gpu; 3% paused or drained, 2% down. */
  private static Node node(int i, SplittableRandom r) {
    Map<String, String> labels = Map.of("zone", ZONES[i % ZONES.length], "rack", "r" + (i % 100),
        "disk", i % 3 == 0 ? "ssd" : "hdd");
    NodeAvailability availability = r.nextInt(100) < 3
        ? (r.nextBoolean() ? NodeAvailability.PAUSE : NodeAvailability.DRAIN) : NodeAvailability.ACTIVE;
    NodeState state = r.nextInt(100) < 2 ? NodeState.DOWN : NodeState.READY;
    Platform platform = new Platform(i % 10 == 7 ? "aarch64" : "x86_64", "linux");
    Resources size = new Resources((16L << r.nextInt(3)) * CPU, (64L << r.nextInt(3)) * 1024 * MIB);
    return new Node(String.format("node%05d", i), null, null, null,
        new NodeSpec(null, labels, i < 5 ? NodeRole.MANAGER : NodeRole.WORKER, availability),
        new NodeDescription("host" + i, platform, size,
            new EngineDescription("28.0.0", i % 10 == 3 ? Map.of("gpu", "yes") : Map.of())),
        new NodeStatus(state, null, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255)));
  }

  /**
   * A service's template: 40% unconstrained, the rest on ssd, a zone, off managers, amd64 without
   * a gpu or with a gpu; half reserve 0.1-1 CPU and 128-1024 MiB; a fifth spread over zones (a
   * twentieth over zones and racks); a tenth at most 2 per node; one in 500 asks for more than
   * any node has, so the explanation is computed too.
   */
  private static TaskSpec spec(int s, SplittableRandom r) {
    List<String> constraints = switch (r.nextInt(10)) {
      case 0, 1 -> List.of("node.labels.disk==ssd");
      case 2 -> List.of("node.labels.zone==" + ZONES[r.nextInt(ZONES.length)]);
      case 3 -> List.of("node.role!=manager");
      case 4 -> List.of("node.platform.arch==x86_64", "engine.labels.gpu!=yes");
      case 5 -> List.of("engine.labels.gpu==yes");
      default -> List.of();
    };
    List<PlacementPreference> prefs = switch (r.nextInt(20)) {
      case 0, 1, 2 -> List.of(PlacementPreference.spread("node.labels.zone"));
      case 3 -> List.of(PlacementPreference.spread("node.labels.zone"), PlacementPreference.spread("node.labels.rack"));
      default -> List.of();
    };
    long maxReplicas = r.nextInt(10) == 0 ? 2 : 0;
    ResourceRequirements res = ResourceRequirements.NONE;
    if (s % 500 == 499) {
      res = new ResourceRequirements(null, new Resources(1000 * CPU, 0));
    } else if (r.nextBoolean()) {
      res = new ResourceRequirements(null,
          new Resources((1 + r.nextInt(10)) * CPU / 10, (128L << r.nextInt(4)) * MIB));
    }
    return new TaskSpec(ContainerSpec.of("registry.local/app" + s + "@sha256:" + "0".repeat(64)), res, null,
        new Placement(constraints, prefs, maxReplicas, null), 0);
  }
}
