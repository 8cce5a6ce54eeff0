package io.berth.daemon.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.ServiceStatus;
import io.berth.cluster.model.IpamConfig;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.Resources;
import io.berth.cluster.model.Service;
import io.berth.cluster.model.ServiceMode;
import io.berth.cluster.model.Task;
import io.berth.cluster.model.TaskState;
import io.berth.cluster.model.UpdateStatus;
import io.berth.cluster.state.Snapshot;
import io.berth.daemon.records.RecordJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The swarm part of {@code /api/state}, written from one snapshot of the cluster store: nodes with
 * the resources their tasks reserve, services with running/desired counts and update progress,
 * and the tasks the map draws. Tasks are grouped once by service and by node, so the page costs
 * a pass over the tasks however many services and nodes there are.
 */
final class ClusterView {
  private ClusterView() {}

  static void write(Snapshot snap, ObjectNode out) {
    Map<String, List<Task>> byService = new HashMap<>();
    Map<String, List<Task>> byNode = new HashMap<>();
    List<Task> tasks = snap.tasks().stream().filter(t -> !t.isAttachment()).toList();
    for (Task t : tasks) {
      byService.computeIfAbsent(t.serviceId(), k -> new ArrayList<>()).add(t);
      if (t.nodeId() != null) {
        byNode.computeIfAbsent(t.nodeId(), k -> new ArrayList<>()).add(t);
      }
    }
    ArrayNode nodes = out.putArray("nodes");
    snap.nodes().stream().sorted(Comparator.comparing(n -> hostname(n)))
        .forEach(n -> nodes.add(node(n, byNode.getOrDefault(n.id(), List.of()))));
    ArrayNode services = out.putArray("services");
    snap.services().stream().sorted(Comparator.comparing(s -> s.spec().name()))
        .forEach(s -> services.add(service(s, byService.getOrDefault(s.id(), List.of()))));
    ArrayNode list = out.putArray("tasks");
    shown(tasks).forEach(t -> list.add(task(t)));
    ArrayNode networks = out.putArray("networks");
    snap.networks().forEach(n -> networks.add(network(n)));
  }

  /**
   * The tasks meant to run, and per slot the newest one that ended (what {@code service ps} puts
   * first under a slot): enough for the map and the lists; a service's page asks for all history.
   */
  static List<Task> shown(List<Task> tasks) {
    Map<String, Task> lastEnded = new HashMap<>();
    List<Task> out = new ArrayList<>();
    for (Task t : tasks) {
      if (t.desiredState().compareTo(TaskState.RUNNING) <= 0) {
        out.add(t);
        continue;
      }
      String slot = t.serviceId() + "/" + (t.slot() > 0 ? Long.toString(t.slot()) : t.nodeId());
      lastEnded.merge(slot, t, (a, b) -> timestamp(a).isAfter(timestamp(b)) ? a : b);
    }
    out.addAll(lastEnded.values());
    out.sort(Comparator.comparing(Task::serviceId).thenComparingLong(Task::slot)
        .thenComparing(ClusterView::timestamp, Comparator.reverseOrder()));
    return out;
  }

  private static ObjectNode node(Node n, List<Task> onNode) {
    ObjectNode o = RecordJson.object();
    o.put("ID", n.id());
    o.put("Hostname", hostname(n));
    o.put("Role", n.spec().role().wire());
    o.put("Availability", n.spec().availability().wire());
    o.put("State", n.status() == null ? "unknown" : n.status().state().wire());
    o.put("Leader", n.managerStatus() != null && n.managerStatus().leader());
    o.put("Addr", n.status() == null ? "" : nz(n.status().addr()));
    labels(o.putObject("Labels"), n.spec().labels());
    Resources r = n.description() == null ? null : n.description().resources();
    o.put("NanoCPUs", r == null ? 0 : r.nanoCpus());
    o.put("MemoryBytes", r == null ? 0 : r.memoryBytes());
    long cpus = 0;
    long memory = 0;
    for (Task t : onNode) {
      Resources res = t.spec().resources() == null ? null : t.spec().resources().reservations();
      if (res != null && t.desiredState().compareTo(TaskState.RUNNING) <= 0 && !t.status().state().isTerminal()) {
        cpus += res.nanoCpus();
        memory += res.memoryBytes();
      }
    }
    o.put("ReservedNanoCPUs", cpus);
    o.put("ReservedMemoryBytes", memory);
    return o;
  }

  private static ObjectNode service(Service s, List<Task> tasks) {
    ObjectNode o = RecordJson.object();
    o.put("ID", s.id());
    o.put("Name", s.spec().name());
    ServiceMode mode = s.spec().mode();
    o.put("Mode", switch (mode.kind()) {
      case REPLICATED -> "replicated";
      case GLOBAL -> "global";
      case REPLICATED_JOB -> "replicated-job";
      case GLOBAL_JOB -> "global-job";
    });
    ServiceStatus status = ServiceStatus.of(s, tasks);
    if (mode.kind() == ServiceMode.Kind.REPLICATED) {
      o.put("Replicas", mode.replicated().replicas());
    } else {
      o.putNull("Replicas");
    }
    o.put("Desired", status.desiredTasks());
    o.put("Running", status.runningTasks());
    o.put("Image", s.spec().taskTemplate().containerSpec().image());
    ArrayNode ports = o.putArray("Ports");
    List<PortConfig> published = s.endpoint() != null && s.endpoint().ports() != null && !s.endpoint().ports().isEmpty()
        ? s.endpoint().ports() : s.spec().endpointSpec().ports();
    for (PortConfig p : published) {
      ports.addObject().put("Published", p.publishedPort()).put("Target", p.targetPort())
          .put("Protocol", p.protocol().wire()).put("Mode", p.publishMode().wire());
    }
    UpdateStatus u = s.updateStatus();
    if (u == null) {
      o.putNull("UpdateStatus");
      o.putNull("UpdateProgress");
    } else {
      o.putObject("UpdateStatus").put("State", u.state()).put("Message", nz(u.message()))
          .put("StartedAt", time(u.startedAt())).put("CompletedAt", time(u.completedAt()));
      if (u.running()) {
        long updated = tasks.stream().filter(t -> t.desiredState() == TaskState.RUNNING
            && t.spec().equals(s.spec().taskTemplate())).count();
        o.putObject("UpdateProgress").put("Updated", updated).put("Total", status.desiredTasks());
      } else {
        o.putNull("UpdateProgress");
      }
    }
    labels(o.putObject("Labels"), s.spec().labels());
    return o;
  }

  static ObjectNode task(Task t) {
    ObjectNode o = RecordJson.object();
    o.put("ID", t.id());
    o.put("ServiceID", t.serviceId());
    o.put("Slot", t.slot());
    o.put("NodeID", nz(t.nodeId()));
    o.put("DesiredState", t.desiredState().wire());
    o.put("State", t.status().state().wire());
    o.put("Message", nz(t.status().message()));
    o.put("Err", nz(t.status().err()));
    o.put("Image", t.spec().containerSpec() == null ? "" : t.spec().containerSpec().image());
    o.put("ContainerID", t.status().containerStatus() == null ? "" : nz(t.status().containerStatus().containerId()));
    o.put("Timestamp", time(timestamp(t)));
    return o;
  }

  private static ObjectNode network(Network n) {
    ObjectNode o = RecordJson.object();
    o.put("ID", n.id());
    o.put("Name", n.spec().name());
    o.put("Driver", n.spec().driverConfiguration() == null ? "overlay" : nz(n.spec().driverConfiguration().name()));
    o.put("Scope", "swarm");
    List<IpamConfig> configs = n.ipamOptions() != null && n.ipamOptions().configs() != null
        ? n.ipamOptions().configs() : List.of();
    o.put("Subnet", configs.isEmpty() ? "" : nz(configs.getFirst().subnet()));
    o.put("Attachable", n.spec().attachable());
    o.put("Ingress", n.spec().ingress());
    return o;
  }

  private static Instant timestamp(Task t) {
    return t.status().timestamp() != null ? t.status().timestamp() : t.createdAt() != null ? t.createdAt() : Instant.EPOCH;
  }

  private static String hostname(Node n) {
    return n.description() == null ? n.id() : nz(n.description().hostname());
  }

  private static void labels(ObjectNode into, Map<String, String> labels) {
    if (labels != null) {
      labels.forEach(into::put);
    }
  }

  private static String time(Instant i) {
    return i == null ? null : i.toString();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
