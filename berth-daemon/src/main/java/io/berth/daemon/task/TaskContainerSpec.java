package io.berth.daemon.task;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.model.ContainerSpec;
import io.berth.cluster.model.Mount;
import io.berth.cluster.model.PortConfig;
import io.berth.cluster.model.PublishMode;
import io.berth.cluster.model.ResourceRequirements;
import io.berth.cluster.model.Task;
import io.berth.daemon.records.RecordJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a task becomes a container, as Docker's swarm executor makes it: named
 * {@code <service>.<slot>.<task id>} ({@code <service>.<node id>.<task id>} for a global
 * service's task, which has no slot); the spec's labels overridden by Docker's
 * {@code com.docker.swarm.*} ones (how a restarted engine finds its task containers); Command
 * replacing the image's entrypoint and Args its cmd; env, hostname, dir and user; the limits
 * (memory, NanoCPUs) and the memory reservation; bind, volume and tmpfs mounts with their options;
 * TTY, stdin, stop signal, read-only root, init, hosts entries, DNS, groups, capabilities, sysctls,
 * ulimits and OOM score; its secrets and configs as read-only files ({@link TaskFiles}); the health
 * check (Docker's HealthConfig, as a container's Config carries it); no restart
 * policy (the orchestrator replaces a task whose container exits); on the task's swarm networks
 * (this node's copies of them, made from the network view before the task comes) at the
 * addresses the allocator gave, answering to the service's name and the spec's aliases there, the
 * first network the primary one; a task on no network is on the engine's default bridge; its
 * service's {@code mode=host} ports published on this node (the routing mesh carries the others).
 *
 * <p>The container service creates from the Engine API's create body, which is also the record
 * it keeps; {@link #createBody} is the one place that body is written for a task, so the rest
 * of the executor deals in tasks and container ids only.
 */
record TaskContainerSpec(String name, Map<String, String> labels, ContainerSpec container,
    ResourceRequirements resources, List<Membership> networks, List<PortConfig> hostPorts,
    List<TaskFiles.Placed> files) {
  /** One swarm network of the task: its id, the task's address there (no prefix), its aliases. */
  record Membership(String networkId, String address, List<String> aliases) {}

  static final String LABEL_PREFIX = "com.docker.swarm.";
  /** The label every task container carries, naming its task: how the agent finds them. */
  static final String TASK_ID = LABEL_PREFIX + "task.id";

  static TaskContainerSpec of(Task task, String nodeId) {
    return of(task, nodeId, null);
  }

  /** The task's container on the node {@code nodeId} that {@code node} describes (its templates expanded). */
  static TaskContainerSpec of(Task task, String nodeId, io.berth.cluster.model.NodeDescription node) {
    String service = task.serviceName() != null && !task.serviceName().isEmpty()
        ? task.serviceName() : task.serviceId(); // a task made without its service's name still gets a unique one
    String name = service + "." + (task.slot() > 0 ? Long.toString(task.slot()) : nodeId) + "." + task.id();
    TaskTemplates templates = TaskTemplates.of(task, name, nodeId, node);
    ContainerSpec spec = templates.expand(task.spec().containerSpec());
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.put(LABEL_PREFIX + "task", "");
    labels.put(TASK_ID, task.id());
    labels.put(LABEL_PREFIX + "task.name", name);
    labels.put(LABEL_PREFIX + "node.id", nodeId);
    labels.put(LABEL_PREFIX + "service.id", task.serviceId() == null ? "" : task.serviceId());
    labels.put(LABEL_PREFIX + "service.name", service == null ? "" : service);
    List<PortConfig> hostPorts = task.endpoint() == null ? List.of() : task.endpoint().ports().stream()
        .filter(p -> p.publishMode() == PublishMode.HOST).toList();
    return new TaskContainerSpec(name, Map.copyOf(labels), spec, task.spec().resources(),
        memberships(task, service, templates), hostPorts, List.of());
  }

  /** The spec with the task's secret and config files ({@link TaskFiles}), bind-mounted read-only. */
  TaskContainerSpec withFiles(List<TaskFiles.Placed> value) {
    return new TaskContainerSpec(name, labels, container, resources, networks, hostPorts, List.copyOf(value));
  }

  private static List<Membership> memberships(Task task, String service, TaskTemplates templates) {
    List<Membership> out = new java.util.ArrayList<>();
    for (var a : task.networksAttachments()) {
      if (a.network() == null || a.addresses().isEmpty()) {
        continue;
      }
      String id = a.network().id();
      List<String> aliases = new java.util.ArrayList<>();
      if (!a.network().spec().ingress()) {
        aliases.add(service); // the service's name resolves on its networks, never on ingress
        task.spec().networks().stream().filter(c -> c.target().equals(id))
            .forEach(c -> c.aliases().forEach(alias -> aliases.add(templates.expand(alias, "network alias"))));
      }
      String address = a.addresses().getFirst();
      int slash = address.indexOf('/');
      out.add(new Membership(id, slash < 0 ? address : address.substring(0, slash), List.copyOf(aliases)));
    }
    return out;
  }

  /** The create body of the task's container (Engine API shape, as the container service takes it). */
  ObjectNode createBody() {
    ObjectNode body = RecordJson.object();
    body.put("Image", container.image());
    if (!container.command().isEmpty()) {
      strings(body.putArray("Entrypoint"), container.command());
      strings(body.putArray("Cmd"), container.args());
    } else if (!container.args().isEmpty()) {
      strings(body.putArray("Cmd"), container.args()); // arguments to the image's entrypoint
    }
    strings(body.putArray("Env"), container.env());
    if (container.hostname() != null && !container.hostname().isEmpty()) {
      body.put("Hostname", container.hostname());
    }
    if (container.dir() != null && !container.dir().isEmpty()) {
      body.put("WorkingDir", container.dir());
    }
    if (container.user() != null && !container.user().isEmpty()) {
      body.put("User", container.user());
    }
    if (container.healthcheck() != null) {
      body.set("Healthcheck", RecordJson.MAPPER.valueToTree(container.healthcheck()));
    }
    if (container.tty()) {
      body.put("Tty", true);
    }
    if (container.openStdin()) {
      body.put("OpenStdin", true);
    }
    if (container.stopSignal() != null) {
      body.put("StopSignal", container.stopSignal());
    }
    ObjectNode labelsNode = body.putObject("Labels");
    labels.forEach(labelsNode::put);
    ObjectNode hc = body.putObject("HostConfig");
    hc.putObject("RestartPolicy").put("Name", "no");
    if (!networks.isEmpty()) {
      hc.put("NetworkMode", networks.getFirst().networkId());
      ObjectNode endpoints = body.putObject("NetworkingConfig").putObject("EndpointsConfig");
      for (Membership m : networks) {
        ObjectNode ep = endpoints.putObject(m.networkId());
        ep.putObject("IPAMConfig").put("IPv4Address", m.address());
        strings(ep.putArray("Aliases"), m.aliases());
      }
    }
    if (!hostPorts.isEmpty()) {
      ObjectNode exposed = body.putObject("ExposedPorts");
      ObjectNode bindings = hc.putObject("PortBindings");
      for (PortConfig p : hostPorts) {
        String key = p.targetPort() + "/" + p.protocol().wire();
        exposed.putObject(key);
        ArrayNode to = bindings.has(key) ? (ArrayNode) bindings.get(key) : bindings.putArray(key);
        // published 0: a free port of this node, as docker run -p 80 picks one
        to.addObject().put("HostPort", p.publishedPort() == 0 ? "" : Integer.toString(p.publishedPort()));
      }
    }
    if (resources.limits() != null) {
      if (resources.limits().memoryBytes() > 0) {
        hc.put("Memory", resources.limits().memoryBytes());
      }
      if (resources.limits().nanoCpus() > 0) {
        hc.put("NanoCpus", resources.limits().nanoCpus());
      }
    }
    if (resources.reserved().memoryBytes() > 0) {
      hc.put("MemoryReservation", resources.reserved().memoryBytes());
    }
    engineOptions(hc);
    ArrayNode mounts = hc.putArray("Mounts");
    for (Mount m : container.mounts()) {
      ObjectNode mount = mounts.addObject();
      if (m.type() != null) {
        mount.put("Type", m.type()); // an unknown type is refused by create's checks, naming it
      }
      if (m.source() != null) {
        mount.put("Source", m.source());
      }
      mount.put("Target", m.target());
      mount.put("ReadOnly", m.readOnly());
      // the options as the Engine API spells them: the create applies them (a stack's volume gets its labels)
      if (m.bindOptions() != null) {
        mount.set("BindOptions", RecordJson.MAPPER.valueToTree(m.bindOptions()));
      }
      if (m.volumeOptions() != null) {
        mount.set("VolumeOptions", RecordJson.MAPPER.valueToTree(m.volumeOptions()));
      }
      if (m.tmpfsOptions() != null) {
        mount.set("TmpfsOptions", RecordJson.MAPPER.valueToTree(m.tmpfsOptions()));
      }
    }
    for (TaskFiles.Placed f : files) {
      mounts.addObject().put("Type", "bind").put("Source", f.hostPath()).put("Target", f.target()).put("ReadOnly", true);
    }
    return body;
  }

  /** The spec's engine options as a container's HostConfig carries them (Docker's executor does the same). */
  private void engineOptions(ObjectNode hc) {
    if (container.readOnly()) {
      hc.put("ReadonlyRootfs", true);
    }
    if (container.init() != null) {
      hc.put("Init", container.init());
    }
    if (!container.hosts().isEmpty()) {
      strings(hc.putArray("ExtraHosts"), container.extraHosts());
    }
    if (container.dnsConfig() != null) {
      strings(hc.putArray("Dns"), container.dnsConfig().nameservers());
      strings(hc.putArray("DnsSearch"), container.dnsConfig().search());
      strings(hc.putArray("DnsOptions"), container.dnsConfig().options());
    }
    if (!container.groups().isEmpty()) {
      strings(hc.putArray("GroupAdd"), container.groups());
    }
    if (!container.capabilityAdd().isEmpty()) {
      strings(hc.putArray("CapAdd"), container.capabilityAdd());
    }
    if (!container.capabilityDrop().isEmpty()) {
      strings(hc.putArray("CapDrop"), container.capabilityDrop());
    }
    if (!container.sysctls().isEmpty()) {
      ObjectNode sysctls = hc.putObject("Sysctls");
      container.sysctls().forEach(sysctls::put);
    }
    if (!container.ulimits().isEmpty()) {
      ArrayNode ulimits = hc.putArray("Ulimits");
      for (ContainerSpec.Ulimit u : container.ulimits()) {
        ulimits.addObject().put("Name", u.name()).put("Soft", u.soft()).put("Hard", u.hard());
      }
    }
    if (container.oomScoreAdj() != 0) {
      hc.put("OomScoreAdj", container.oomScoreAdj());
    }
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
