package io.berth.daemon.container;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A container record: what the user asked for ({@code config}, {@code hostConfig}, as the
 * Engine API's JSON after image defaults were merged in), what it is derived from, and its
 * state. Persisted as JSON in the metadata store on every change.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Container {
  public String id;
  public String name;
  public String created;
  public String imageId;
  /** The image as the user named it (shown by ps). */
  public String imageName;
  public String path;
  public List<String> args = new ArrayList<>();
  public ObjectNode config;
  public ObjectNode hostConfig;
  public ContainerState state = new ContainerState();
  /**
   * Networks by name in attach order (the first is the primary one), as create/connect asked.
   * Their endpoints and published ports are not kept here: the networks own them
   * ({@link ContainerNetworks#endpoints}). Empty for host/none mode and for a container
   * disconnected from all its networks (it then runs with loopback only, as in Docker); null only
   * in records written before networks existed (those are on the default bridge).
   */
  public java.util.LinkedHashMap<String, NetworkAttachment> networks;
  public List<MountPoint> mounts = new ArrayList<>();
  /** Set (under the container's monitor) once removal took it out of the repository; never stored. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public transient boolean removed;
  /** Set when the last run's teardown undid everything (a removal need not do it again); never stored. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public transient boolean tornDown;
  /** dockerd's warnings for the create response (what this host discards); never stored. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public transient List<String> warnings = List.of();
  public String logPath;
  public String resolvConfPath;
  public String hostsPath;
  public String hostnamePath;

  /**
   * One network membership: {@code aliases} are its network-scoped DNS names, {@code ipv4Address}
   * the address asked for with --ip (null for any), {@code links} the endpoint's
   * {@code "target:alias"} links (names only this container resolves, on this network).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record NetworkAttachment(String networkId, List<String> aliases, String ipv4Address, List<String> links) {
    /** Never null (records written before links were kept have none). */
    @Override
    public List<String> links() {
      return links == null ? List.of() : links;
    }
  }

  /** A resolved mount, as inspect's Mounts shows it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MountPoint(
      String type, String name, String source, String destination, String mode, boolean rw) {}

  /** HostConfig read (once) into records; see {@link HostSpec}. Never stored. */
  private transient HostSpec host;
  /** Config read (once) into a record; see {@link ConfigSpec}. Never stored. */
  private transient ConfigSpec configSpec;

  /**
   * What start, stop and exit act on, read from {@link #hostConfig} the first time it is asked
   * for: at create, and for a record loaded from disk (whatever version wrote it) at its first use.
   */
  HostSpec host() {
    HostSpec h = host;
    if (h == null) {
      h = HostSpec.of(hostConfig);
      host = h;
    }
    return h;
  }

  ConfigSpec configSpec() {
    ConfigSpec s = configSpec;
    if (s == null) {
      s = ConfigSpec.of(config);
      configSpec = s;
    }
    return s;
  }

  /** Replaces the HostConfig (docker update), and with it what was read from it. */
  void hostConfig(ObjectNode updated) {
    HostSpec h = HostSpec.of(updated);
    hostConfig = updated;
    host = h;
  }

  /**
   * Takes another container's hostname and domain name (network mode {@code container:NAME}, at
   * each start, as Docker does): the Config inspect shows and its record together.
   */
  void names(String hostname, String domainname) {
    ConfigSpec s = configSpec().withNames(hostname, domainname);
    config.put("Hostname", hostname);
    config.put("Domainname", domainname);
    configSpec = s;
  }

  public String shortId() {
    return id.substring(0, 12);
  }

  public boolean tty() {
    return configSpec().tty();
  }

  /** The container's labels (its image's and its own), read once from its Config. */
  public java.util.Map<String, String> labels() {
    return configSpec().labels();
  }
}
