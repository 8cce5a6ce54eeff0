package io.berth.daemon.container;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.network.Endpoint;
import io.berth.network.PortBinding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/**
 * Renders containers in the Engine API's shapes: the inspect document and the list entry, with
 * Docker's human status strings ("Up 3 seconds", "Exited (0) 2 minutes ago").
 *
 * <p>It reads Config and HostConfig from the stored wire JSON, not the typed model: the record
 * is that JSON and inspect shows it as sent (decision 0028), and listing must not depend on a
 * record's settings being startable.
 */
public final class ContainerViews {
  private final Clock clock;
  private final ContainerNetworks network;

  public ContainerViews(Clock clock, ContainerNetworks network) {
    this.clock = clock;
    this.network = network;
  }

  public ObjectNode inspect(Container c, long sizeRw) {
    ObjectNode o = RecordJson.object();
    o.put("Id", c.id);
    o.put("Created", c.created);
    o.put("Path", c.path);
    ArrayNode args = o.putArray("Args");
    c.args.forEach(args::add);
    ContainerState s = c.state;
    ObjectNode st = o.putObject("State");
    st.put("Status", s.status().wire());
    st.put("Running", s.is(ContainerStatus.RUNNING, ContainerStatus.PAUSED));
    st.put("Paused", s.is(ContainerStatus.PAUSED));
    st.put("Restarting", s.is(ContainerStatus.RESTARTING));
    st.put("OOMKilled", s.oomKilled);
    st.put("Dead", s.is(ContainerStatus.DEAD));
    st.put("Pid", s.pid);
    st.put("ExitCode", s.exitCode);
    st.put("Error", s.error);
    st.put("StartedAt", s.startedAt);
    st.put("FinishedAt", s.finishedAt);
    if (s.health != null) {
      ObjectNode h = st.putObject("Health");
      h.put("Status", s.health.status);
      h.put("FailingStreak", s.health.failingStreak);
      ArrayNode log = h.putArray("Log");
      for (ContainerState.Probe p : s.health.log) {
        log.addObject().put("Start", p.start).put("End", p.end).put("ExitCode", p.exitCode)
            .put("Output", p.output);
      }
    }
    o.put("Image", c.imageId);
    o.put("ResolvConfPath", nz(c.resolvConfPath));
    o.put("HostnamePath", nz(c.hostnamePath));
    o.put("HostsPath", nz(c.hostsPath));
    o.put("LogPath", nz(c.logPath));
    o.put("Name", "/" + c.name);
    o.put("RestartCount", s.restartCount);
    o.put("Driver", "overlay2");
    o.put("Platform", "linux");
    o.put("MountLabel", "");
    o.put("ProcessLabel", "");
    o.put("AppArmorProfile", SecurityOptions.appArmorProfile(c.hostConfig));
    o.putNull("ExecIDs");
    ObjectNode hc = c.hostConfig.deepCopy();
    if (!hc.has("NetworkMode") || hc.get("NetworkMode").asText().isEmpty()) {
      hc.put("NetworkMode", "bridge");
    }
    if (!hc.has("RestartPolicy")) {
      hc.putObject("RestartPolicy").put("Name", "no").put("MaximumRetryCount", 0);
    }
    if (!hc.has("LogConfig") || hc.path("LogConfig").path("Type").asText().isEmpty()) {
      hc.putObject("LogConfig").put("Type", "json-file").putObject("Config"); // records from before log options
    }
    o.set("HostConfig", hc);
    ObjectNode gd = o.putObject("GraphDriver");
    gd.put("Name", "overlay2");
    gd.putObject("Data");
    if (sizeRw >= 0) {
      o.put("SizeRw", sizeRw);
    }
    ArrayNode mounts = o.putArray("Mounts");
    for (Container.MountPoint m : c.mounts) {
      ObjectNode mo = mounts.addObject();
      mo.put("Type", m.type());
      if (!m.name().isEmpty()) {
        mo.put("Name", m.name());
      }
      mo.put("Source", m.source());
      mo.put("Destination", m.destination());
      if (m.type().equals("volume")) {
        mo.put("Driver", "local");
      }
      mo.put("Mode", m.mode());
      mo.put("RW", m.rw());
      mo.put("Propagation", m.type().equals("bind") ? "rprivate" : "");
    }
    o.set("Config", c.config);
    o.set("NetworkSettings", networkSettings(c));
    return o;
  }

  private ObjectNode networkSettings(Container c) {
    ObjectNode ns = RecordJson.object();
    ns.put("Bridge", "");
    java.util.LinkedHashMap<String, Endpoint> endpoints = network.endpoints(c);
    Endpoint ep = network.primary(c);
    Endpoint any = endpoints.isEmpty() ? null : endpoints.values().iterator().next();
    ns.put("SandboxID", any == null ? "" : c.id);
    ns.put("SandboxKey", any == null ? "" : any.netnsPath());
    ns.set("Ports", ports(c));
    ns.put("IPAddress", ep == null ? "" : ep.ip());
    ns.put("IPPrefixLen", ep == null ? 0 : ep.prefixLength());
    ns.put("Gateway", ep == null ? "" : ep.gateway());
    ns.put("MacAddress", ep == null ? "" : ep.mac());
    ns.put("EndpointID", ep == null ? "" : c.id);
    // Docker fills the top-level address fields for the default bridge only
    boolean onDefault = ep != null && ep.equals(endpoints.get(io.berth.daemon.network.NetworkRecord.BRIDGE));
    if (!onDefault) {
      ns.put("IPAddress", "").put("IPPrefixLen", 0).put("Gateway", "").put("MacAddress", "").put("EndpointID", "");
    }
    ObjectNode nets = ns.putObject("Networks");
    for (var e : network.of(c).entrySet()) {
      Container.NetworkAttachment a = e.getValue();
      Endpoint aep = endpoints.get(e.getKey());
      ObjectNode n = nets.putObject(e.getKey());
      String asked = network.ipamAddress(c, a, aep);
      if (asked == null) {
        n.putNull("IPAMConfig");
      } else {
        n.putObject("IPAMConfig").put("IPv4Address", asked);
      }
      if (a.links().isEmpty()) {
        n.putNull("Links");
      } else {
        a.links().forEach(n.putArray("Links")::add);
      }
      ArrayNode aliases = n.putArray("Aliases");
      a.aliases().forEach(aliases::add);
      n.put("NetworkID", a.networkId());
      n.put("EndpointID", aep == null ? "" : endpointId(c, a));
      n.put("Gateway", aep == null ? "" : aep.gateway());
      n.put("IPAddress", aep == null ? "" : aep.ip());
      n.put("IPPrefixLen", aep == null ? 0 : aep.prefixLength());
      n.put("MacAddress", aep == null ? "" : aep.mac());
      ArrayNode dnsNames = n.putArray("DNSNames");
      if (!e.getKey().equals(io.berth.daemon.network.NetworkRecord.BRIDGE)) {
        // once each, as Docker lists them (compose 1.29 gives the short id as an alias too)
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        names.add(c.name);
        names.addAll(a.aliases());
        names.add(c.shortId());
        names.forEach(dnsNames::add);
      }
    }
    String mode = NetworkSpec.Mode.of(c.hostConfig.path("NetworkMode").asText("default")).wireName();
    if (nets.isEmpty() && (mode.equals("host") || mode.equals("none"))) {
      nets.putObject(mode).put("NetworkID", "").put("EndpointID", "").put("IPAddress", "");
    }
    return ns;
  }

  /** {"8080/tcp": [{"HostIp": "0.0.0.0", "HostPort": "28080"}], "9090/tcp": null}. */
  private ObjectNode ports(Container c) {
    ObjectNode ports = RecordJson.object();
    for (Iterator<String> it = c.config.path("ExposedPorts").fieldNames(); it.hasNext(); ) {
      ports.putNull(it.next());
    }
    for (PortBinding p : network.ports(c)) {
      String key = p.containerPort() + "/" + p.protocol();
      ArrayNode list = ports.get(key) instanceof ArrayNode a ? a : ports.putArray(key);
      list.addObject().put("HostIp", p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp())
          .put("HostPort", Integer.toString(p.hostPort()));
    }
    return ports;
  }

  public ObjectNode listEntry(Container c, long sizeRw) {
    ObjectNode o = RecordJson.object();
    o.put("Id", c.id);
    o.putArray("Names").add("/" + c.name);
    o.put("Image", c.imageName);
    o.put("ImageID", c.imageId);
    StringBuilder cmd = new StringBuilder(c.path);
    c.args.forEach(a -> cmd.append(' ').append(a));
    o.put("Command", cmd.toString());
    o.put("Created", Instant.parse(c.created).getEpochSecond());
    ArrayNode ports = o.putArray("Ports");
    List<PortBinding> published = network.ports(c);
    for (PortBinding p : published) {
      ports.addObject().put("IP", p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp())
          .put("PrivatePort", p.containerPort()).put("PublicPort", p.hostPort()).put("Type", p.protocol());
    }
    for (Iterator<String> it = c.config.path("ExposedPorts").fieldNames(); it.hasNext(); ) {
      String key = it.next();
      PortBinding cp = PortSpecs.parseContainerPort(key);
      boolean isPublished = published.stream().anyMatch(p -> p.containerPort() == cp.containerPort()
          && p.protocol().equals(cp.protocol()));
      if (!isPublished) {
        ports.addObject().put("PrivatePort", cp.containerPort()).put("Type", cp.protocol());
      }
    }
    o.set("Labels", c.config.path("Labels").deepCopy());
    o.put("State", c.state.status().wire());
    o.put("Status", status(c));
    if (sizeRw >= 0) {
      o.put("SizeRw", sizeRw);
    }
    o.putObject("HostConfig").put("NetworkMode",
        c.hostConfig.path("NetworkMode").asText("default").isEmpty() ? "default"
            : c.hostConfig.path("NetworkMode").asText("default"));
    o.set("NetworkSettings", RecordJson.object().set("Networks", networkSettings(c).get("Networks")));
    ArrayNode mounts = o.putArray("Mounts");
    for (Container.MountPoint m : c.mounts) {
      mounts.addObject().put("Type", m.type()).put("Name", m.name()).put("Source", m.source())
          .put("Destination", m.destination()).put("RW", m.rw());
    }
    return o;
  }

  /** Docker's status column. */
  public String status(Container c) {
    ContainerState s = c.state;
    Instant now = clock.instant();
    return switch (s.status()) {
      case RUNNING, PAUSED -> {
        String up = "Up " + human(Duration.between(Instant.parse(s.startedAt), now));
        if (s.is(ContainerStatus.PAUSED)) {
          up += " (Paused)";
        } else if (s.health != null) {
          up += s.health.status.equals("starting") ? " (health: starting)" : " (" + s.health.status + ")";
        }
        yield up;
      }
      case RESTARTING -> "Restarting (" + s.exitCode + ") "
          + human(Duration.between(Instant.parse(s.finishedAt), now)) + " ago";
      case EXITED -> s.finishedAt.equals(ContainerState.ZERO_TIME) ? "Exited (" + s.exitCode + ")"
          : "Exited (" + s.exitCode + ") " + human(Duration.between(Instant.parse(s.finishedAt), now)) + " ago";
      case REMOVING -> "Removal In Progress";
      case DEAD -> "Dead";
      case CREATED -> "Created";
    };
  }

  /** Go's units.HumanDuration as docker prints it. */
  public static String human(Duration d) {
    long seconds = Math.max(0, d.getSeconds());
    if (seconds < 1) {
      return "Less than a second";
    } else if (seconds == 1) {
      return "1 second";
    } else if (seconds < 60) {
      return seconds + " seconds";
    }
    long minutes = seconds / 60;
    if (minutes == 1) {
      return "About a minute";
    } else if (minutes < 60) {
      return minutes + " minutes";
    }
    long hours = Math.round(minutes / 60.0);
    if (hours == 1) {
      return "About an hour";
    } else if (hours < 48) {
      return hours + " hours";
    } else if (hours < 24 * 7 * 2) {
      return hours / 24 + " days";
    } else if (hours < 24 * 30 * 2) {
      return hours / 24 / 7 + " weeks";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 / 30 + " months";
    }
    return hours / 24 / 365 + " years";
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Stable per (container, network): the endpoint's id in inspect output. */
  static String endpointId(Container c, Container.NetworkAttachment a) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest((c.id + "/" + a.networkId()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public ContainerNetworks networks() {
    return network;
  }
}
