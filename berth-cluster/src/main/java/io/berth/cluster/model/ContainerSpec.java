package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.ContainerConfig.HealthConfig;
import java.util.List;
import java.util.Map;

/**
 * The container each task of a service runs: image (a digest once resolved), command, environment,
 * mounts, how long a stop waits before it kills ({@code StopGracePeriod}, nanoseconds; null: the
 * engine's default) and the registry credentials its nodes pull the image with ({@code PullOptions},
 * swarmkit's field: kept in the store for the agents, never shown by the Engine API, as Docker),
 * and the health check its container runs ({@code Healthcheck}, Docker's HealthConfig: a task
 * with one counts as running only once healthy, and fails when it turns unhealthy), the engine
 * options a compose file commonly sets (TTY, OpenStdin, ReadOnly, StopSignal, Init, Hosts,
 * DNSConfig, Groups, capabilities, Sysctls, Ulimits, OomScoreAdj), which the task's container gets
 * as {@code docker run} would, and the secrets and configs its container gets as files
 * ({@code Secrets}, {@code Configs}); left out of the JSON when unset, as Docker's omitempty does.
 */
public record ContainerSpec(
    @JsonProperty("Image") String image,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Command") List<String> command,
    @JsonProperty("Args") List<String> args,
    @JsonProperty("Hostname") String hostname,
    @JsonProperty("Env") List<String> env,
    @JsonProperty("Dir") String dir,
    @JsonProperty("User") String user,
    @JsonProperty("Mounts") List<Mount> mounts,
    @JsonProperty("StopGracePeriod") Long stopGracePeriod,
    @JsonProperty("PullOptions") PullOptions pullOptions,
    @JsonProperty("Healthcheck") HealthConfig healthcheck,
    @JsonProperty("TTY") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean tty,
    @JsonProperty("OpenStdin") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean openStdin,
    @JsonProperty("ReadOnly") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean readOnly,
    @JsonProperty("StopSignal") @JsonInclude(JsonInclude.Include.NON_EMPTY) String stopSignal,
    @JsonProperty("Init") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean init,
    @JsonProperty("Hosts") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> hosts,
    @JsonProperty("DNSConfig") @JsonInclude(JsonInclude.Include.NON_NULL) DnsConfig dnsConfig,
    @JsonProperty("Groups") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> groups,
    @JsonProperty("CapabilityAdd") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> capabilityAdd,
    @JsonProperty("CapabilityDrop") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> capabilityDrop,
    @JsonProperty("Sysctls") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sysctls,
    @JsonProperty("Ulimits") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Ulimit> ulimits,
    @JsonProperty("OomScoreAdj") @JsonInclude(JsonInclude.Include.NON_DEFAULT) long oomScoreAdj,
    @JsonProperty("Secrets") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SecretReference> secrets,
    @JsonProperty("Configs") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ConfigReference> configs) {
  /**
   * How a node pulls the image: {@code RegistryAuth} is the client's {@code X-Registry-Auth}
   * header as given at {@code service create --with-registry-auth} (base64url JSON).
   */
  public record PullOptions(@JsonProperty("RegistryAuth") String registryAuth) {}

  /** Docker's DNSConfig: the container's resolv.conf nameservers, search domains and options. */
  public record DnsConfig(@JsonProperty("Nameservers") List<String> nameservers,
      @JsonProperty("Search") List<String> search, @JsonProperty("Options") List<String> options) {
    public DnsConfig {
      nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
      search = search == null ? List.of() : List.copyOf(search);
      options = options == null ? List.of() : List.copyOf(options);
    }
  }

  /** One rlimit of the container's processes (Docker's Ulimit). */
  public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") long soft,
      @JsonProperty("Hard") long hard) {
    public Ulimit {
      if (name == null || name.isBlank()) {
        throw new InvalidArgumentException("ContainerSpec.Ulimits: a ulimit needs a Name");
      }
    }
  }

  public ContainerSpec {
    if (image == null || image.isBlank()) {
      throw new InvalidArgumentException("ContainerSpec must have an image");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    command = command == null ? List.of() : List.copyOf(command);
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? List.of() : List.copyOf(env);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    secrets = secrets == null ? List.of() : List.copyOf(secrets);
    configs = configs == null ? List.of() : List.copyOf(configs);
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    for (String h : hosts) {
      if (h.strip().split("\\s+").length < 2) {
        throw new InvalidArgumentException("ContainerSpec.Hosts: \"" + h
            + "\" is not an /etc/hosts entry (IP_address canonical_hostname [aliases...])");
      }
    }
    groups = groups == null ? List.of() : List.copyOf(groups);
    capabilityAdd = capabilityAdd == null ? List.of() : List.copyOf(capabilityAdd);
    capabilityDrop = capabilityDrop == null ? List.of() : List.copyOf(capabilityDrop);
    sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
    ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
    stopSignal = stopSignal == null || stopSignal.isEmpty() ? null : stopSignal;
    if (dnsConfig != null && dnsConfig.nameservers().isEmpty() && dnsConfig.search().isEmpty()
        && dnsConfig.options().isEmpty()) {
      dnsConfig = null; // the CLI's empty DNSConfig says nothing: equal to none
    }
    if (stopGracePeriod != null && stopGracePeriod < 0) {
      throw new InvalidArgumentException("StopGracePeriod must not be negative: " + stopGracePeriod);
    }
  }

  /** A spec without a stop grace period, pull options or health check. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, null, null, null);
  }

  /** A spec with a health check and none of the engine options (TTY, DNS, ulimits, ...), secrets or configs. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts, Long stopGracePeriod,
      PullOptions pullOptions, HealthConfig healthcheck) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, pullOptions, healthcheck,
        null, null);
  }

  /** A spec with secrets and configs and none of the engine options. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts, Long stopGracePeriod,
      PullOptions pullOptions, HealthConfig healthcheck, List<SecretReference> secrets, List<ConfigReference> configs) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, pullOptions, healthcheck,
        false, false, false, null, null, null, null, null, null, null, null, null, 0, secrets, configs);
  }

  /** A spec with the engine options and no secrets or configs. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts, Long stopGracePeriod,
      PullOptions pullOptions, HealthConfig healthcheck, boolean tty, boolean openStdin, boolean readOnly,
      String stopSignal, Boolean init, List<String> hosts, DnsConfig dnsConfig, List<String> groups,
      List<String> capabilityAdd, List<String> capabilityDrop, Map<String, String> sysctls, List<Ulimit> ulimits,
      long oomScoreAdj) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, pullOptions, healthcheck,
        tty, openStdin, readOnly, stopSignal, init, hosts, dnsConfig, groups, capabilityAdd, capabilityDrop, sysctls,
        ulimits, oomScoreAdj, null, null);
  }

  /** A spec without a health check. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts, Long stopGracePeriod,
      PullOptions pullOptions) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, pullOptions, null);
  }

  /** The registry auth the nodes pull with, or null without one. */
  public String registryAuth() {
    return pullOptions == null ? null : pullOptions.registryAuth();
  }

  public ContainerSpec withPullOptions(PullOptions value) {
    return new ContainerSpec(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, value,
        healthcheck, tty, openStdin, readOnly, stopSignal, init, hosts, dnsConfig, groups, capabilityAdd,
        capabilityDrop, sysctls, ulimits, oomScoreAdj, secrets, configs);
  }

  public ContainerSpec withStopGracePeriod(Long nanos) {
    return new ContainerSpec(image, labels, command, args, hostname, env, dir, user, mounts, nanos, pullOptions,
        healthcheck, tty, openStdin, readOnly, stopSignal, init, hosts, dnsConfig, groups, capabilityAdd,
        capabilityDrop, sysctls, ulimits, oomScoreAdj, secrets, configs);
  }

  public ContainerSpec withHealthcheck(HealthConfig value) {
    return new ContainerSpec(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod,
        pullOptions, value, tty, openStdin, readOnly, stopSignal, init, hosts, dnsConfig, groups, capabilityAdd,
        capabilityDrop, sysctls, ulimits, oomScoreAdj, secrets, configs);
  }

  /** The {@code Hosts} entries ("IP name [alias...]") as the engine's ExtraHosts ("name:IP", one per name). */
  public List<String> extraHosts() {
    List<String> out = new java.util.ArrayList<>();
    for (String h : hosts) {
      String[] f = h.strip().split("\\s+");
      for (int i = 1; i < f.length; i++) {
        out.add(f[i] + ":" + f[0]);
      }
    }
    return out;
  }

  public static ContainerSpec of(String image) {
    return new ContainerSpec(image, null, null, null, null, null, null, null, null);
  }
}
