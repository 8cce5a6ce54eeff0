package io.berth.cluster.control;

import static io.berth.cluster.control.FieldRules.Rule.DEFAULT_ONLY;
import static io.berth.cluster.control.FieldRules.Rule.HONOURED;
import static io.berth.cluster.control.FieldRules.Rule.OBJECT;
import static io.berth.cluster.control.FieldRules.Rule.OBJECTS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cluster.control.FieldRules.Rule;
import io.berth.cluster.model.ServiceSpec;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Json;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads a {@code POST /services/create} or {@code /services/{id}/update} body (Docker's
 * ServiceSpec) into the model. Docker's fields Berth does not honour yet are accepted only with
 * the empty values the docker CLI sends on every create ({@code Init: false}, {@code DNSConfig:
 * {}}, ...) and refused by name otherwise; unknown fields are refused. Pointer fields the CLI
 * leaves out get Docker's defaults (one replica; a job's concurrency and completions).
 */
public final class ServiceSpecReader {
  private static final String CS = "TaskTemplate.ContainerSpec";
  private static final Map<String, Rule> RULES = Map.ofEntries(
      Map.entry("Name", HONOURED),
      Map.entry("Labels", HONOURED),
      Map.entry("Mode", HONOURED),
      Map.entry("UpdateConfig", OBJECT),
      Map.entry("RollbackConfig", OBJECT),
      Map.entry("UpdateConfig.Parallelism", HONOURED),
      Map.entry("UpdateConfig.Delay", HONOURED),
      Map.entry("UpdateConfig.FailureAction", HONOURED),
      Map.entry("UpdateConfig.Monitor", HONOURED),
      Map.entry("UpdateConfig.MaxFailureRatio", HONOURED),
      Map.entry("UpdateConfig.Order", HONOURED),
      Map.entry("RollbackConfig.Parallelism", HONOURED),
      Map.entry("RollbackConfig.Delay", HONOURED),
      Map.entry("RollbackConfig.FailureAction", HONOURED),
      Map.entry("RollbackConfig.Monitor", HONOURED),
      Map.entry("RollbackConfig.MaxFailureRatio", HONOURED),
      Map.entry("RollbackConfig.Order", HONOURED),
      Map.entry("Networks", OBJECTS),
      Map.entry("Networks[].Target", HONOURED),
      Map.entry("Networks[].Aliases", HONOURED),
      Map.entry("Networks[].DriverOpts", DEFAULT_ONLY),
      Map.entry("EndpointSpec", OBJECT),
      Map.entry("EndpointSpec.Mode", HONOURED),
      Map.entry("EndpointSpec.Ports", HONOURED),
      Map.entry("TaskTemplate", OBJECT),
      Map.entry("TaskTemplate.ContainerSpec", OBJECT),
      Map.entry("TaskTemplate.PluginSpec", DEFAULT_ONLY),
      Map.entry("TaskTemplate.NetworkAttachmentSpec", DEFAULT_ONLY),
      Map.entry("TaskTemplate.Resources", OBJECT),
      Map.entry("TaskTemplate.Resources.Limits", OBJECT),
      Map.entry("TaskTemplate.Resources.Limits.NanoCPUs", HONOURED),
      Map.entry("TaskTemplate.Resources.Limits.MemoryBytes", HONOURED),
      Map.entry("TaskTemplate.Resources.Limits.Pids", DEFAULT_ONLY),
      Map.entry("TaskTemplate.Resources.Reservations", OBJECT),
      Map.entry("TaskTemplate.Resources.Reservations.NanoCPUs", HONOURED),
      Map.entry("TaskTemplate.Resources.Reservations.MemoryBytes", HONOURED),
      Map.entry("TaskTemplate.Resources.Reservations.GenericResources", DEFAULT_ONLY),
      Map.entry("TaskTemplate.RestartPolicy", HONOURED),
      Map.entry("TaskTemplate.Placement", HONOURED),
      Map.entry("TaskTemplate.Networks", OBJECTS),
      Map.entry("TaskTemplate.Networks[].Target", HONOURED),
      Map.entry("TaskTemplate.Networks[].Aliases", HONOURED),
      Map.entry("TaskTemplate.Networks[].DriverOpts", DEFAULT_ONLY),
      Map.entry("TaskTemplate.LogDriver", DEFAULT_ONLY),
      Map.entry("TaskTemplate.ForceUpdate", HONOURED),
      Map.entry("TaskTemplate.Runtime", DEFAULT_ONLY),
      Map.entry(CS + ".Image", HONOURED),
      Map.entry(CS + ".Labels", HONOURED),
      Map.entry(CS + ".Command", HONOURED),
      Map.entry(CS + ".Args", HONOURED),
      Map.entry(CS + ".Hostname", HONOURED),
      Map.entry(CS + ".Env", HONOURED),
      Map.entry(CS + ".Dir", HONOURED),
      Map.entry(CS + ".User", HONOURED),
      Map.entry(CS + ".StopGracePeriod", HONOURED),
      Map.entry(CS + ".Mounts", OBJECTS),
      Map.entry(CS + ".Mounts[].Type", HONOURED),
      Map.entry(CS + ".Mounts[].Source", HONOURED),
      Map.entry(CS + ".Mounts[].Target", HONOURED),
      Map.entry(CS + ".Mounts[].ReadOnly", HONOURED),
      Map.entry(CS + ".Mounts[].Consistency", DEFAULT_ONLY),
      Map.entry(CS + ".Mounts[].BindOptions", OBJECT),
      Map.entry(CS + ".Mounts[].BindOptions.Propagation", HONOURED),
      Map.entry(CS + ".Mounts[].BindOptions.NonRecursive", HONOURED),
      Map.entry(CS + ".Mounts[].BindOptions.CreateMountpoint", HONOURED),
      Map.entry(CS + ".Mounts[].BindOptions.ReadOnlyNonRecursive", DEFAULT_ONLY),
      Map.entry(CS + ".Mounts[].BindOptions.ReadOnlyForceRecursive", DEFAULT_ONLY),
      Map.entry(CS + ".Mounts[].VolumeOptions", OBJECT),
      Map.entry(CS + ".Mounts[].VolumeOptions.NoCopy", HONOURED),
      Map.entry(CS + ".Mounts[].VolumeOptions.Labels", HONOURED),
      Map.entry(CS + ".Mounts[].VolumeOptions.Subpath", HONOURED),
      Map.entry(CS + ".Mounts[].VolumeOptions.DriverConfig", HONOURED),
      Map.entry(CS + ".Mounts[].TmpfsOptions", OBJECT),
      Map.entry(CS + ".Mounts[].TmpfsOptions.SizeBytes", HONOURED),
      Map.entry(CS + ".Mounts[].TmpfsOptions.Mode", HONOURED),
      Map.entry(CS + ".Mounts[].TmpfsOptions.Options", DEFAULT_ONLY),
      Map.entry(CS + ".Mounts[].ClusterOptions", DEFAULT_ONLY),
      Map.entry(CS + ".Groups", HONOURED),
      Map.entry(CS + ".Privileges", DEFAULT_ONLY),
      Map.entry(CS + ".TTY", HONOURED),
      Map.entry(CS + ".OpenStdin", HONOURED),
      Map.entry(CS + ".ReadOnly", HONOURED),
      Map.entry(CS + ".StopSignal", HONOURED),
      Map.entry(CS + ".Healthcheck", HONOURED),
      Map.entry(CS + ".Hosts", HONOURED),
      Map.entry(CS + ".DNSConfig", HONOURED),
      Map.entry(CS + ".Secrets", OBJECTS),
      Map.entry(CS + ".Secrets[].File", OBJECT),
      Map.entry(CS + ".Secrets[].File.Name", HONOURED),
      Map.entry(CS + ".Secrets[].File.UID", HONOURED),
      Map.entry(CS + ".Secrets[].File.GID", HONOURED),
      Map.entry(CS + ".Secrets[].File.Mode", HONOURED),
      Map.entry(CS + ".Secrets[].SecretID", HONOURED),
      Map.entry(CS + ".Secrets[].SecretName", HONOURED),
      Map.entry(CS + ".Configs", OBJECTS),
      Map.entry(CS + ".Configs[].File", OBJECT),
      Map.entry(CS + ".Configs[].File.Name", HONOURED),
      Map.entry(CS + ".Configs[].File.UID", HONOURED),
      Map.entry(CS + ".Configs[].File.GID", HONOURED),
      Map.entry(CS + ".Configs[].File.Mode", HONOURED),
      Map.entry(CS + ".Configs[].Runtime", HONOURED), // refused by noRuntimeConfigs: {} is a target too
      Map.entry(CS + ".Configs[].ConfigID", HONOURED),
      Map.entry(CS + ".Configs[].ConfigName", HONOURED),
      Map.entry(CS + ".Isolation", DEFAULT_ONLY),
      Map.entry(CS + ".Init", HONOURED),
      Map.entry(CS + ".Sysctls", HONOURED),
      Map.entry(CS + ".CapabilityAdd", HONOURED),
      Map.entry(CS + ".CapabilityDrop", HONOURED),
      Map.entry(CS + ".Ulimits", HONOURED),
      Map.entry(CS + ".OomScoreAdj", HONOURED));
  private static final Map<String, String> HINTS = Map.ofEntries(
      Map.entry("Networks[].DriverOpts", "driver-opt of --network, driver_opts of a compose service network"),
      Map.entry("TaskTemplate.Networks[].DriverOpts", "driver-opt of --network, driver_opts of a compose service network"),
      Map.entry("TaskTemplate.LogDriver", "--log-driver/--log-opt, compose logging"),
      Map.entry("TaskTemplate.Resources.Limits.Pids", "--limit-pids, compose deploy.resources.limits.pids"),
      Map.entry("TaskTemplate.Resources.Reservations.GenericResources", "--generic-resource, compose generic_resources"),
      Map.entry(CS + ".Isolation", "--isolation"),
      Map.entry(CS + ".Privileges", "--credential-spec, compose credential_spec"),
      Map.entry(CS + ".Mounts[].BindOptions.ReadOnlyNonRecursive", "bind-recursive=readonly mount option"),
      Map.entry(CS + ".Mounts[].BindOptions.ReadOnlyForceRecursive", "bind-recursive=readonly mount option"),
      Map.entry(CS + ".Mounts[].TmpfsOptions.Options", "tmpfs options beyond size and mode"));
  private static final FieldRules FIELDS = new FieldRules("service spec", RULES, HINTS);

  private ServiceSpecReader() {}

  /**
   * The spec in {@code body}; {@code nameIfEmpty} names a service created without a name (Docker
   * makes one up as for containers).
   */
  public static ServiceSpec read(JsonNode body, Supplier<String> nameIfEmpty) {
    if (body == null || !body.isObject()) {
      throw new InvalidArgumentException("service spec: the body must be a JSON object");
    }
    ObjectNode tree = ((ObjectNode) body).deepCopy();
    JsonNode isolation = tree.path("TaskTemplate").path("ContainerSpec").path("Isolation");
    if (isolation.isTextual() && isolation.textValue().equals("default")) {
      ((ObjectNode) tree.path("TaskTemplate").path("ContainerSpec")).remove("Isolation");
    }
    FIELDS.check(tree);
    noRuntimeConfigs(tree);
    if (!tree.path("TaskTemplate").path("ContainerSpec").isObject()) {
      throw new InvalidArgumentException("service spec: TaskTemplate.ContainerSpec is required "
          + "(plugin and network attachment tasks are not supported)");
    }
    if (tree.path("Name").asText("").isEmpty()) {
      tree.put("Name", nameIfEmpty.get());
    }
    modeDefaults(tree);
    moveNetworks(tree);
    return decode(tree);
  }

  /**
   * A config whose target is {@code Runtime} (even {@code {}}) is a Windows credential spec,
   * which Berth does not honour: refused by name, never read as a file target.
   */
  private static void noRuntimeConfigs(ObjectNode tree) {
    for (JsonNode c : tree.path("TaskTemplate").path("ContainerSpec").path("Configs")) {
      JsonNode runtime = c.path("Runtime");
      if (!runtime.isMissingNode() && !runtime.isNull()) {
        throw new InvalidArgumentException("service spec: " + CS + ".Configs[].Runtime (config " + c.path("ConfigName")
            + " as a credential spec) is not supported by Berth; give the config a File target");
      }
    }
  }

  /**
   * The deprecated top-level {@code Networks} go into {@code TaskTemplate.Networks}, as dockerd
   * does since API 1.44 (old clients and compose files still send them there); both at once is
   * ambiguous and refused.
   */
  private static void moveNetworks(ObjectNode tree) {
    JsonNode old = tree.remove("Networks");
    if (old == null || !old.isArray() || old.isEmpty()) {
      return;
    }
    ObjectNode template = (ObjectNode) tree.path("TaskTemplate");
    if (template.path("Networks").isArray() && !template.path("Networks").isEmpty()) {
      throw new InvalidArgumentException("service spec: Networks and TaskTemplate.Networks are both set; "
          + "give the networks in TaskTemplate.Networks only (Networks is deprecated)");
    }
    template.set("Networks", old);
  }

  /** Docker's defaults for the pointers the CLI leaves out: one replica; a job runs MaxConcurrent 1, as many completions. */
  private static void modeDefaults(ObjectNode tree) {
    JsonNode mode = tree.path("Mode");
    if (mode.path("Replicated").isObject() && mode.path("Replicated").path("Replicas").isNull()
        || mode.path("Replicated").isObject() && mode.path("Replicated").path("Replicas").isMissingNode()) {
      ((ObjectNode) mode.path("Replicated")).put("Replicas", 1);
    }
    if (mode.path("ReplicatedJob").isObject()) {
      ObjectNode job = (ObjectNode) mode.path("ReplicatedJob");
      if (job.path("MaxConcurrent").isNull() || job.path("MaxConcurrent").isMissingNode()) {
        job.put("MaxConcurrent", 1);
      }
      if (job.path("TotalCompletions").isNull() || job.path("TotalCompletions").isMissingNode()) {
        job.put("TotalCompletions", job.path("MaxConcurrent").asLong());
      }
    }
  }

  private static ServiceSpec decode(ObjectNode tree) {
    try {
      return Json.MAPPER.treeToValue(tree, ServiceSpec.class);
    } catch (JsonProcessingException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof BerthException b) {
          throw b;
        }
      }
      throw new InvalidArgumentException("service spec: " + e.getOriginalMessage());
    }
  }
}
