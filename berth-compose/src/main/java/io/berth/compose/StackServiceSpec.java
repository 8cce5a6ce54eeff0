package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One compose service as the Engine API's ServiceSpec, field by field as docker/cli's
 * {@code convert.Service} fills it (so the daemon sees the same body from {@code berth stack
 * deploy} as from {@code docker stack deploy}), plus what Berth does that docker drops:
 * {@code depends_on} as the {@code io.berth.stack.depends-on} label (the managers hold a
 * dependent's tasks until it holds), {@code group_add}, {@code dns_opt}, {@code tmpfs},
 * {@code scale}. What swarm mode cannot do is refused by name.
 */
final class StackServiceSpec {
  /** Berth's label for {@code depends_on}: {@code <stack>_<service>:<condition>,...}. */
  static final String DEPENDS_ON = "io.berth.stack.depends-on";
  /** The service keys converted (the others are reported as ignored or refused). */
  static final Set<String> HANDLED = Set.of("image", "command", "entrypoint", "environment", "labels", "hostname",
      "working_dir", "user", "volumes", "tmpfs", "stop_grace_period", "stop_signal", "tty", "stdin_open", "read_only",
      "init", "sysctls", "cap_add", "cap_drop", "ulimits", "oom_score_adj", "group_add", "dns", "dns_search",
      "dns_opt", "extra_hosts", "healthcheck", "ports", "networks", "deploy", "depends_on", "secrets", "configs",
      "restart", "scale", "profiles", "isolation", "logging", "pids_limit", "credential_spec");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private StackServiceSpec() {}

  static ObjectNode of(Project p, String service, String ns) {
    JsonNode s = p.service(service);
    String at = "services." + service;
    refuse(s, at);
    JsonNode deploy = s.path("deploy");
    ObjectNode spec = F.objectNode();
    spec.put("Name", ns + "_" + service);
    ObjectNode labels = StackConverter.labels(deploy.path("labels"), ns);
    labels.put(StackConverter.IMAGE_LABEL, s.path("image").asText());
    String deps = dependsOn(s, ns, at);
    if (!deps.isEmpty()) {
      labels.put(DEPENDS_ON, deps);
    }
    spec.set("Labels", labels);
    ObjectNode task = spec.putObject("TaskTemplate");
    task.set("ContainerSpec", container(p, s, at, ns));
    task.set("Resources", resources(deploy.path("resources"), at + ".deploy.resources"));
    JsonNode restart = restartPolicy(s, at);
    if (restart != null) {
      task.set("RestartPolicy", restart);
    }
    ObjectNode placement = task.putObject("Placement");
    ArrayNode constraints = placement.putArray("Constraints");
    deploy.path("placement").path("constraints").forEach(c -> constraints.add(c.asText()));
    ArrayNode prefs = placement.putArray("Preferences");
    deploy.path("placement").path("preferences").forEach(pr -> prefs.addObject().putObject("Spread")
        .put("SpreadDescriptor", pr.path("spread").asText()));
    placement.put("MaxReplicas", deploy.path("placement").path("max_replicas_per_node").asLong(0));
    task.set("Networks", networks(p, s, service));
    task.put("ForceUpdate", 0);
    spec.set("Mode", mode(s, at));
    if (deploy.has("update_config")) {
      spec.set("UpdateConfig", updateConfig(deploy.get("update_config"), at + ".deploy.update_config"));
    }
    if (deploy.has("rollback_config")) {
      spec.set("RollbackConfig", updateConfig(deploy.get("rollback_config"), at + ".deploy.rollback_config"));
    }
    spec.set("EndpointSpec", endpoint(s, at));
    return spec;
  }

  /** What a swarm service cannot carry yet: refused by name rather than dropped. */
  private static void refuse(JsonNode s, String at) {
    for (String[] k : new String[][] {{"logging", "a task log driver"}, {"pids_limit", "a pids limit"},
        {"credential_spec", "credential specs"}}) {
      if (s.has(k[0])) {
        throw new ComposeException(at + "." + k[0] + ": " + k[1] + " is not supported by Berth's swarm services yet");
      }
    }
    JsonNode res = s.path("deploy").path("resources");
    if (res.path("limits").has("pids")) {
      throw new ComposeException(at + ".deploy.resources.limits.pids: a pids limit is not supported by Berth's swarm services yet");
    }
    for (String k : List.of("generic_resources", "devices")) {
      if (res.path("reservations").has(k)) {
        throw new ComposeException(at + ".deploy.resources.reservations." + k + " is not supported by Berth's swarm services");
      }
    }
    if (s.has("isolation") && !s.get("isolation").asText().equals("default")) {
      throw new ComposeException(at + ".isolation: only \"default\" on Linux");
    }
    s.path("networks").fields().forEachRemaining(e -> {
      for (String k : List.of("ipv4_address", "ipv6_address", "driver_opts", "link_local_ips", "mac_address", "priority")) {
        if (e.getValue().has(k)) {
          throw new ComposeException(at + ".networks." + e.getKey() + "." + k + " is not supported for swarm services");
        }
      }
    });
  }

  /** {@code depends_on} as the label's value: scoped names and conditions, sorted. */
  private static String dependsOn(JsonNode s, String ns, String at) {
    List<String> out = new ArrayList<>();
    s.path("depends_on").fields().forEachRemaining(e -> {
      if (e.getValue().path("restart").asBoolean(false)) {
        // compose restarts the dependent when the dependency is recreated; the managers do not
        throw new ComposeException(at + ".depends_on." + e.getKey() + ".restart is not supported by Berth's stacks");
      }
      out.add(ns + "_" + e.getKey() + ":" + e.getValue().path("condition").asText("service_started"));
    });
    out.sort(null);
    return String.join(",", out);
  }

  private static ObjectNode container(Project p, JsonNode s, String at, String ns) {
    ObjectNode c = F.objectNode();
    c.put("Image", s.path("image").asText());
    c.set("Labels", StackConverter.labels(s.path("labels"), ns));
    if (s.has("entrypoint")) {
      c.set("Command", s.get("entrypoint").deepCopy());
    }
    if (s.has("command")) {
      c.set("Args", s.get("command").deepCopy());
    }
    BodyFields.text(s, "hostname", c, "Hostname");
    List<String> env = new ArrayList<>();
    s.path("environment").fields().forEachRemaining(e -> env.add(e.getKey() + "=" + e.getValue().asText()));
    env.sort(null);
    strings(c.putArray("Env"), env);
    BodyFields.text(s, "working_dir", c, "Dir");
    BodyFields.text(s, "user", c, "User");
    c.set("Mounts", StackMounts.of(p, s, at, ns));
    if (s.has("stop_grace_period")) {
      c.put("StopGracePeriod", Units.nanos(s.get("stop_grace_period").asText(), at + ".stop_grace_period"));
    }
    BodyFields.text(s, "stop_signal", c, "StopSignal");
    c.put("TTY", s.path("tty").asBoolean(false));
    c.put("OpenStdin", s.path("stdin_open").asBoolean(false));
    c.put("ReadOnly", s.path("read_only").asBoolean(false));
    if (s.has("init")) {
      c.put("Init", s.get("init").asBoolean());
    }
    if (s.has("extra_hosts")) {
      ArrayNode hosts = c.putArray("Hosts");
      for (JsonNode h : Normalizer.list(s.get("extra_hosts"))) {
        String[] kv = h.asText().split("[:=]", 2); // host:ip (the engine's form) as "ip host" (the hosts file's)
        if (kv.length != 2) {
          throw new ComposeException(at + ".extra_hosts: \"" + h.asText() + "\" is not host:ip");
        }
        hosts.add(kv[1] + " " + kv[0]);
      }
    }
    if (s.has("dns") || s.has("dns_search") || s.has("dns_opt")) {
      ObjectNode dns = c.putObject("DNSConfig");
      BodyFields.list(s, "dns", dns, "Nameservers");
      BodyFields.list(s, "dns_search", dns, "Search");
      BodyFields.list(s, "dns_opt", dns, "Options");
    }
    if (s.has("healthcheck")) {
      c.set("Healthcheck", ContainerBodies.healthcheck(s.get("healthcheck"), at + ".healthcheck"));
    }
    BodyFields.list(s, "group_add", c, "Groups");
    if (s.has("sysctls")) {
      c.set("Sysctls", HostOptions.sysctls(s.get("sysctls")));
    }
    BodyFields.list(s, "cap_add", c, "CapabilityAdd");
    BodyFields.list(s, "cap_drop", c, "CapabilityDrop");
    if (s.has("ulimits")) {
      c.set("Ulimits", HostOptions.ulimits(s.get("ulimits")));
    }
    if (s.has("oom_score_adj")) {
      c.put("OomScoreAdj", s.get("oom_score_adj").asLong());
    }
    c.set("Secrets", StackMounts.references(p, s, "secrets", at, ns));
    c.set("Configs", StackMounts.references(p, s, "configs", at, ns));
    return c;
  }

  private static ObjectNode resources(JsonNode r, String at) {
    ObjectNode out = F.objectNode();
    for (String[] k : new String[][] {{"limits", "Limits"}, {"reservations", "Reservations"}}) {
      if (r.get(k[0]) instanceof ObjectNode l) {
        ObjectNode o = out.putObject(k[1]);
        if (l.has("cpus")) {
          o.put("NanoCPUs", Math.round(Double.parseDouble(l.get("cpus").asText()) * 1e9));
        }
        if (l.has("memory")) {
          o.put("MemoryBytes", Units.bytes(l.get("memory").asText(), at + "." + k[0] + ".memory"));
        }
      }
    }
    return out;
  }

  /** {@code deploy.restart_policy}, else the service's {@code restart} as docker reads it (none: no policy sent). */
  private static JsonNode restartPolicy(JsonNode s, String at) {
    JsonNode rp = s.path("deploy").path("restart_policy");
    if (rp.isObject()) {
      ObjectNode o = F.objectNode();
      o.put("Condition", rp.path("condition").asText("any"));
      if (rp.has("delay")) {
        o.put("Delay", Units.nanos(rp.get("delay").asText(), at + ".deploy.restart_policy.delay"));
      }
      if (rp.has("max_attempts")) {
        o.put("MaxAttempts", rp.get("max_attempts").asLong());
      }
      if (rp.has("window")) {
        o.put("Window", Units.nanos(rp.get("window").asText(), at + ".deploy.restart_policy.window"));
      }
      return o;
    }
    String restart = s.path("restart").asText("no");
    return switch (restart) {
      case "no", "" -> null;
      case "always", "unless-stopped" -> F.objectNode().put("Condition", "any");
      default -> {
        if (restart.equals("on-failure") || restart.startsWith("on-failure:")) {
          long n = 0;
          try {
            n = restart.length() > 10 ? Long.parseLong(restart.substring(11)) : 0;
          } catch (NumberFormatException e) {
            throw new ComposeException(at + ".restart: invalid restart policy \"" + restart + "\"");
          }
          yield F.objectNode().put("Condition", "on-failure").put("MaxAttempts", n);
        }
        throw new ComposeException(at + ".restart: unknown restart policy: " + restart);
      }
    };
  }

  /** Each network the service is on, by its engine name, with its aliases and the service's key (docker's order: by name). */
  private static ArrayNode networks(Project p, JsonNode s, String service) {
    List<ObjectNode> nets = new ArrayList<>();
    s.path("networks").fields().forEachRemaining(e -> {
      ObjectNode n = F.objectNode();
      n.put("Target", p.networkName(e.getKey()));
      ArrayNode aliases = n.putArray("Aliases");
      e.getValue().path("aliases").forEach(a -> aliases.add(a.asText()));
      aliases.add(service);
      nets.add(n);
    });
    nets.sort(Comparator.comparing(n -> n.path("Target").asText()));
    ArrayNode out = F.arrayNode();
    nets.forEach(out::add);
    return out;
  }

  private static ObjectNode mode(JsonNode s, String at) {
    JsonNode d = s.path("deploy");
    String mode = d.path("mode").asText("replicated");
    JsonNode replicas = d.has("replicas") ? d.get("replicas") : s.get("scale");
    ObjectNode m = F.objectNode();
    switch (mode) {
      case "replicated" -> {
        ObjectNode r = m.putObject("Replicated");
        if (replicas != null) {
          r.put("Replicas", replicas.asLong());
        }
      }
      case "global", "global-job" -> {
        if (replicas != null) {
          throw new ComposeException(at + ".deploy.replicas: replicas can only be used with replicated or replicated-job mode");
        }
        m.putObject(mode.equals("global") ? "Global" : "GlobalJob");
      }
      case "replicated-job" -> {
        ObjectNode j = m.putObject("ReplicatedJob");
        if (replicas != null) {
          j.put("MaxConcurrent", replicas.asLong()).put("TotalCompletions", replicas.asLong());
        }
      }
      default -> throw new ComposeException(at + ".deploy.mode: Unknown mode: " + mode);
    }
    return m;
  }

  private static ObjectNode updateConfig(JsonNode u, String at) {
    ObjectNode o = F.objectNode();
    o.put("Parallelism", u.path("parallelism").asLong(1));
    // docker's omitempty: what the file leaves out is not sent (the daemon's defaults apply)
    if (u.has("delay")) {
      o.put("Delay", Units.nanos(u.get("delay").asText(), at + ".delay"));
    }
    if (u.has("failure_action")) {
      o.put("FailureAction", u.get("failure_action").asText());
    }
    if (u.has("monitor")) {
      o.put("Monitor", Units.nanos(u.get("monitor").asText(), at + ".monitor"));
    }
    o.put("MaxFailureRatio", u.path("max_failure_ratio").asDouble(0));
    if (u.has("order")) {
      o.put("Order", u.get("order").asText());
    }
    return o;
  }

  /** Published ports by published number, as docker sorts them; the mode ingress unless {@code mode: host}. */
  private static ObjectNode endpoint(JsonNode s, String at) {
    ObjectNode e = F.objectNode();
    if (s.path("deploy").has("endpoint_mode")) {
      e.put("Mode", s.path("deploy").get("endpoint_mode").asText().toLowerCase(Locale.ROOT));
    }
    List<ObjectNode> ports = new ArrayList<>();
    int i = 0;
    for (JsonNode port : s.path("ports")) {
      String where = at + ".ports[" + i++ + "]";
      if (!port.path("host_ip").asText("").isEmpty()) {
        throw new ComposeException(where + ": a host IP is not supported for swarm services (hostip is not supported)");
      }
      ObjectNode o = F.objectNode();
      o.put("Protocol", port.path("protocol").asText("tcp"));
      o.put("TargetPort", port.path("target").asInt());
      String published = port.path("published").asText("");
      try {
        o.put("PublishedPort", published.isEmpty() ? 0 : Integer.parseInt(published));
      } catch (NumberFormatException ex) {
        throw new ComposeException(where + ": invalid published port \"" + published + "\"");
      }
      o.put("PublishMode", port.path("mode").asText("ingress"));
      ports.add(o);
    }
    ports.sort(Comparator.comparingInt(o -> o.path("PublishedPort").asInt()));
    ArrayNode arr = e.putArray("Ports");
    ports.forEach(arr::add);
    return e;
  }

  private static void strings(ArrayNode into, List<String> values) {
    values.forEach(into::add);
  }
}
