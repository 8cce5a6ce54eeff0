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
 * with one counts as running only once healthy, and fails when it turns unhealthy), and the
 * secrets and configs its container gets as files ({@code Secrets}, {@code Configs}).
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
    @JsonProperty("Secrets") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SecretReference> secrets,
    @JsonProperty("Configs") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ConfigReference> configs) {
  /**
   * How a node pulls the image: {@code RegistryAuth} is the client's {@code X-Registry-Auth}
   * header as given at {@code service create --with-registry-auth} (base64url JSON).
   */
  public record PullOptions(@JsonProperty("RegistryAuth") String registryAuth) {}

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
    if (stopGracePeriod != null && stopGracePeriod < 0) {
      throw new InvalidArgumentException("StopGracePeriod must not be negative: " + stopGracePeriod);
    }
  }

  /** A spec without a stop grace period, pull options or health check. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, null, null, null, null, null);
  }

  /** A spec without secrets or configs. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts, Long stopGracePeriod,
      PullOptions pullOptions, HealthConfig healthcheck) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, pullOptions, healthcheck,
        null, null);
  }

  /** A spec without a health check. */
  public ContainerSpec(String image, Map<String, String> labels, List<String> command, List<String> args,
      String hostname, List<String> env, String dir, String user, List<Mount> mounts, Long stopGracePeriod,
      PullOptions pullOptions) {
    this(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, pullOptions, null, null,
        null);
  }

  /** The registry auth the nodes pull with, or null without one. */
  public String registryAuth() {
    return pullOptions == null ? null : pullOptions.registryAuth();
  }

  public ContainerSpec withPullOptions(PullOptions value) {
    return new ContainerSpec(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod, value,
        healthcheck, secrets, configs);
  }

  public ContainerSpec withStopGracePeriod(Long nanos) {
    return new ContainerSpec(image, labels, command, args, hostname, env, dir, user, mounts, nanos, pullOptions,
        healthcheck, secrets, configs);
  }

  public ContainerSpec withHealthcheck(HealthConfig value) {
    return new ContainerSpec(image, labels, command, args, hostname, env, dir, user, mounts, stopGracePeriod,
        pullOptions, value, secrets, configs);
  }

  public static ContainerSpec of(String image) {
    return new ContainerSpec(image, null, null, null, null, null, null, null, null);
  }
}
