package io.berth.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Turns a normalised service into the Engine API's {@code POST /containers/create} body, with
 * the labels {@code docker compose} puts on its containers (so each tool finds the other's
 * containers), and names the engine objects of a project.
 */
public final class ContainerBodies {
  public static final String PROJECT = "com.docker.compose.project";
  public static final String SERVICE = "com.docker.compose.service";
  public static final String NUMBER = "com.docker.compose.container-number";
  public static final String ONEOFF = "com.docker.compose.oneoff";
  public static final String HASH = "com.docker.compose.config-hash";
  public static final String NETWORK = "com.docker.compose.network";
  public static final String VOLUME = "com.docker.compose.volume";
  /** The id of the image the container was created from: a rebuilt or re-pulled image means recreate. */
  public static final String IMAGE = "com.docker.compose.image";
  public static final String WORKING_DIR = "com.docker.compose.project.working_dir";
  public static final String CONFIG_FILES = "com.docker.compose.project.config_files";
  public static final String DEPENDS_ON = "com.docker.compose.depends_on";
  /** The compose version Berth's labels and behaviour follow. */
  public static final String VERSION = "com.docker.compose.version";
  public static final String COMPOSE_VERSION = "2.32.0";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ContainerBodies() {}

  /** The image a service runs: its {@code image}, or {@code <project>-<service>} when only built. */
  public static String image(Project p, String service) {
    JsonNode s = p.service(service);
    return s.has("image") ? s.get("image").asText() : p.name() + "-" + service;
  }

  public static String containerName(Project p, String service, int number, boolean oneoff) {
    JsonNode s = p.service(service);
    if (s.has("container_name") && !oneoff) {
      return s.get("container_name").asText();
    }
    return p.name() + "-" + service + (oneoff ? "-run-" + Integer.toHexString(number) : "-" + number);
  }

  /** Replicas to run: {@code --scale} wins, then {@code scale}, then {@code deploy.replicas}, else 1. */
  public static int replicas(Project p, String service, Map<String, Integer> scale) {
    JsonNode s = p.service(service);
    if (scale.containsKey(service)) {
      return scale.get(service);
    }
    if (s.has("scale")) {
      return s.get("scale").asInt();
    }
    return s.path("deploy").path("replicas").asInt(1);
  }

  /** The service's {@code stop_grace_period} in whole seconds, or {@code dflt} when it has none. */
  public static long stopSeconds(Project p, String service, long dflt) {
    JsonNode g = p.service(service).get("stop_grace_period");
    return g == null ? dflt : Units.nanos(g.asText(), "services." + service + ".stop_grace_period") / 1_000_000_000L;
  }

  public static ObjectNode networkBody(Project p, String key) {
    JsonNode n = p.network(key);
    ObjectNode b = F.objectNode();
    b.put("Name", n.path("name").asText());
    b.put("Driver", n.path("driver").asText("bridge"));
    b.put("Internal", n.path("internal").asBoolean(false));
    b.put("Attachable", n.path("attachable").asBoolean(false));
    b.put("CheckDuplicate", true);
    ObjectNode labels = b.putObject("Labels");
    n.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.put(PROJECT, p.name());
    labels.put(NETWORK, key);
    labels.put(HASH, p.networkHash(key));
    JsonNode cfg = n.path("ipam").path("config");
    if (cfg.isArray() && !cfg.isEmpty()) {
      ArrayNode c = b.putObject("IPAM").put("Driver", "default").putArray("Config");
      for (JsonNode x : cfg) {
        ObjectNode o = c.addObject();
        if (x.has("subnet")) {
          o.put("Subnet", x.get("subnet").asText());
        }
        if (x.has("gateway")) {
          o.put("Gateway", x.get("gateway").asText());
        }
        if (x.has("ip_range")) {
          o.put("IPRange", x.get("ip_range").asText());
        }
      }
    }
    ObjectNode opts = b.putObject("Options");
    n.path("driver_opts").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    return b;
  }

  public static ObjectNode volumeBody(Project p, String key) {
    JsonNode v = p.volume(key);
    ObjectNode b = F.objectNode();
    b.put("Name", v.path("name").asText());
    b.put("Driver", v.path("driver").asText("local"));
    ObjectNode opts = b.putObject("DriverOpts");
    v.path("driver_opts").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    ObjectNode labels = b.putObject("Labels");
    v.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.put(PROJECT, p.name());
    labels.put(VOLUME, key);
    return b;
  }

  /**
   * The create body of replica {@code number}; {@code command} replaces the service's command
   * when not null (compose run). Only the first network is in the body; the caller connects the
   * others before starting, as docker compose does.
   */
  public static ObjectNode containerBody(Project p, String service, int number, boolean oneoff, List<String> command) {
    return containerBody(p, service, number, oneoff ? new OneOff(command, null, Map.of(), null, null, false, false, false) : null, null);
  }

  /**
   * What {@code compose run} changes in a service's container: the command, entrypoint,
   * extra environment, user, working directory; ports are published only with
   * {@code servicePorts} (they would clash with the service's own containers) and the service's
   * restart policy does not apply, as in docker compose; {@code interactive} keeps stdin open for
   * the attached client.
   */
  public record OneOff(List<String> command, List<String> entrypoint, Map<String, String> env, String user,
      String workdir, boolean servicePorts, boolean tty, boolean interactive) {}

  /**
   * The create body of replica {@code number}, or of a one-off container when {@code oneoff} is
   * set; {@code imageId} (may be null) is recorded so that a rebuilt image recreates the
   * container. Only the first network is in the body; the caller connects the others before
   * starting, as docker compose does.
   */
  public static ObjectNode containerBody(Project p, String service, int number, OneOff oneoff, String imageId) {
    JsonNode s = p.service(service);
    String at = "services." + service;
    ObjectNode b = F.objectNode();
    b.put("Image", image(p, service));
    if (oneoff != null && oneoff.command() != null && !oneoff.command().isEmpty()) {
      strings(b.putArray("Cmd"), oneoff.command());
    } else if (s.has("command")) {
      b.set("Cmd", s.get("command").deepCopy());
    }
    if (oneoff != null && oneoff.entrypoint() != null) {
      strings(b.putArray("Entrypoint"), oneoff.entrypoint());
    } else if (s.has("entrypoint")) {
      b.set("Entrypoint", s.get("entrypoint").deepCopy());
    }
    ArrayNode env = b.putArray("Env");
    s.path("environment").fields().forEachRemaining(e -> env.add(e.getKey() + "=" + e.getValue().asText()));
    if (oneoff != null) {
      oneoff.env().forEach((k, v) -> env.add(k + "=" + v));
    }
    ObjectNode labels = b.putObject("Labels");
    s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    labels.put(PROJECT, p.name());
    labels.put(SERVICE, service);
    labels.put(NUMBER, Integer.toString(number));
    labels.put(ONEOFF, oneoff != null ? "True" : "False");
    labels.put(HASH, p.configHash(service));
    labels.put(WORKING_DIR, p.workingDir().toString());
    labels.put(CONFIG_FILES, String.join(",", p.configFiles().stream().map(Object::toString).toList()));
    labels.put(VERSION, COMPOSE_VERSION);
    List<String> deps = new java.util.ArrayList<>();
    s.path("depends_on").fields().forEachRemaining(e -> deps.add(e.getKey() + ":"
        + e.getValue().path("condition").asText("service_started") + ":" + e.getValue().path("restart").asBoolean(false)));
    labels.put(DEPENDS_ON, String.join(",", deps));
    if (imageId != null) {
      labels.put(IMAGE, imageId);
    }
    copyText(s, "hostname", b, "Hostname");
    copyText(s, "domainname", b, "Domainname");
    copyText(s, "working_dir", b, "WorkingDir");
    copyText(s, "user", b, "User");
    if (oneoff != null && oneoff.user() != null) {
      b.put("User", oneoff.user());
    }
    if (oneoff != null && oneoff.workdir() != null) {
      b.put("WorkingDir", oneoff.workdir());
    }
    copyText(s, "stop_signal", b, "StopSignal");
    copyText(s, "mac_address", b, "MacAddress");
    if (s.has("stop_grace_period")) {
      b.put("StopTimeout", Units.nanos(s.get("stop_grace_period").asText(), at + ".stop_grace_period") / 1_000_000_000L);
    }
    b.put("Tty", oneoff != null ? oneoff.tty() : s.path("tty").asBoolean(false));
    b.put("OpenStdin", oneoff != null ? oneoff.interactive() : s.path("stdin_open").asBoolean(false));
    if (oneoff != null && oneoff.interactive()) {
      b.put("AttachStdin", true).put("AttachStdout", true).put("AttachStderr", true).put("StdinOnce", true);
    }
    ObjectNode exposed = b.putObject("ExposedPorts");
    for (JsonNode e : s.path("expose")) {
      String k = e.asText();
      exposed.putObject(k.contains("/") ? k : k + "/tcp");
    }
    if (s.has("healthcheck")) {
      b.set("Healthcheck", healthcheck(s.get("healthcheck"), at + ".healthcheck"));
    }
    ObjectNode hc = b.putObject("HostConfig");
    ObjectNode bindings = hc.putObject("PortBindings");
    for (JsonNode port : oneoff != null && !oneoff.servicePorts() ? F.arrayNode() : s.path("ports")) {
      String key = port.path("target").asInt() + "/" + port.path("protocol").asText("tcp");
      exposed.putObject(key);
      ArrayNode list = bindings.get(key) instanceof ArrayNode a ? a : bindings.putArray(key);
      ObjectNode bind = list.addObject();
      bind.put("HostIp", port.path("host_ip").asText(""));
      bind.put("HostPort", port.path("published").asText(""));
    }
    ArrayNode mounts = hc.putArray("Mounts");
    for (JsonNode v : s.path("volumes")) {
      ObjectNode m = mounts.addObject();
      String type = v.path("type").asText("volume");
      m.put("Type", type);
      m.put("Target", v.path("target").asText());
      if (v.has("source")) {
        m.put("Source", type.equals("volume") ? p.volumeName(v.get("source").asText()) : v.get("source").asText());
      }
      m.put("ReadOnly", v.path("read_only").asBoolean(false));
      JsonNode vo = v.path("volume");
      if (vo.path("nocopy").asBoolean(false) || vo.has("subpath")) {
        ObjectNode o = m.putObject("VolumeOptions");
        if (vo.path("nocopy").asBoolean(false)) {
          o.put("NoCopy", true);
        }
        if (vo.has("subpath")) {
          o.put("Subpath", vo.get("subpath").asText());
        }
      }
      JsonNode bo = v.path("bind");
      if (type.equals("bind") && (bo.path("create_host_path").asBoolean(false) || bo.has("propagation"))) {
        ObjectNode o = m.putObject("BindOptions");
        if (bo.has("propagation")) {
          o.put("Propagation", bo.get("propagation").asText());
        }
        if (bo.path("create_host_path").asBoolean(false)) {
          o.put("CreateMountpoint", true);
        }
      }
      if (type.equals("tmpfs") && v.path("tmpfs").has("size")) {
        m.putObject("TmpfsOptions").put("SizeBytes", Units.bytes(v.path("tmpfs").get("size").asText(), at + ".volumes.tmpfs.size"));
      }
    }
    ObjectNode tmpfs = hc.putObject("Tmpfs");
    for (JsonNode t : Normalizer.list(s.get("tmpfs"))) {
      String[] kv = t.asText().split(":", 2);
      tmpfs.put(kv[0], kv.length == 2 ? kv[1] : "");
    }
    String restart = oneoff != null ? "no" : s.path("restart").asText("no");
    ObjectNode rp = hc.putObject("RestartPolicy");
    if (restart.startsWith("on-failure:")) {
      rp.put("Name", "on-failure").put("MaximumRetryCount", Integer.parseInt(restart.substring(11)));
    } else {
      rp.put("Name", restart);
    }
    JsonNode limits = s.path("deploy").path("resources").path("limits");
    if (limits.has("memory") || s.has("mem_limit")) {
      String mem = limits.has("memory") ? limits.get("memory").asText() : s.get("mem_limit").asText();
      hc.put("Memory", Units.bytes(mem, at + ".deploy.resources.limits.memory"));
    }
    if (limits.has("cpus") || s.has("cpus")) {
      String cpus = limits.has("cpus") ? limits.get("cpus").asText() : s.get("cpus").asText();
      try {
        hc.put("NanoCpus", (long) (Double.parseDouble(cpus) * 1e9));
      } catch (NumberFormatException e) {
        throw new ComposeException(at + ".deploy.resources.limits.cpus: invalid number \"" + cpus + "\"");
      }
    }
    JsonNode reservations = s.path("deploy").path("resources").path("reservations");
    if (reservations.has("memory") || s.has("mem_reservation")) {
      String mem = reservations.has("memory") ? reservations.get("memory").asText() : s.get("mem_reservation").asText();
      hc.put("MemoryReservation", Units.bytes(mem, at + ".deploy.resources.reservations.memory"));
    }
    if (limits.has("pids") || s.has("pids_limit")) {
      hc.put("PidsLimit", limits.has("pids") ? limits.get("pids").asLong() : s.get("pids_limit").asLong());
    }
    if (s.has("shm_size")) {
      hc.put("ShmSize", Units.bytes(s.get("shm_size").asText(), at + ".shm_size"));
    }
    if (s.has("cpu_shares")) {
      hc.put("CpuShares", s.get("cpu_shares").asLong());
    }
    HostOptions.apply(s, hc);
    hc.put("Init", s.path("init").asBoolean(false));
    hc.put("Privileged", s.path("privileged").asBoolean(false));
    hc.put("ReadonlyRootfs", s.path("read_only").asBoolean(false));
    copyList(s, "cap_add", hc, "CapAdd");
    copyList(s, "cap_drop", hc, "CapDrop");
    copyList(s, "dns", hc, "Dns");
    copyList(s, "extra_hosts", hc, "ExtraHosts");
    if (s.has("network_mode")) {
      hc.put("NetworkMode", s.get("network_mode").asText());
    } else {
      String first = s.path("networks").fieldNames().next();
      hc.put("NetworkMode", p.networkName(first));
      b.putObject("NetworkingConfig").putObject("EndpointsConfig")
          .set(p.networkName(first), endpoint(s, service, first));
    }
    return b;
  }

  /** The endpoint config of the service on network {@code key}: the service name is always an alias. */
  public static ObjectNode endpoint(JsonNode s, String service, String key) {
    JsonNode n = s.path("networks").path(key);
    ObjectNode ep = F.objectNode();
    ArrayNode aliases = ep.putArray("Aliases");
    aliases.add(service);
    for (JsonNode a : n.path("aliases")) {
      aliases.add(a.asText());
    }
    if (n.has("ipv4_address")) {
      ep.putObject("IPAMConfig").put("IPv4Address", n.get("ipv4_address").asText());
    }
    return ep;
  }

  static ObjectNode healthcheck(JsonNode h, String at) {
    ObjectNode o = F.objectNode();
    if (h.path("disable").asBoolean(false)) {
      o.putArray("Test").add("NONE");
      return o;
    }
    if (h.has("test")) {
      o.set("Test", h.get("test").deepCopy());
    }
    for (String[] k : new String[][] {{"interval", "Interval"}, {"timeout", "Timeout"},
        {"start_period", "StartPeriod"}, {"start_interval", "StartInterval"}}) {
      if (h.has(k[0])) {
        o.put(k[1], Units.nanos(h.get(k[0]).asText(), at + "." + k[0]));
      }
    }
    if (h.has("retries")) {
      o.put("Retries", h.get("retries").asInt());
    }
    return o;
  }

  private static void strings(ArrayNode into, List<String> values) {
    values.forEach(into::add);
  }

  private static void copyText(JsonNode s, String from, ObjectNode to, String field) {
    if (s.has(from)) {
      to.put(field, s.get(from).asText());
    }
  }

  private static void copyList(JsonNode s, String from, ObjectNode to, String field) {
    if (s.has(from)) {
      ArrayNode a = to.putArray(field);
      Normalizer.list(s.get(from)).forEach(x -> a.add(x.asText()));
    }
  }
}
