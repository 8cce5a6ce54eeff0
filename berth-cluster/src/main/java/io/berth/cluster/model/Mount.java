package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.util.Map;

/**
 * A mount of a task's container (Docker's Mount: type bind, volume or tmpfs) with the options of
 * its type, as {@code docker stack deploy} sends them: a named volume carries the stack's label
 * ({@code VolumeOptions.Labels}), so the volume each node makes belongs to the stack.
 */
public record Mount(
    @JsonProperty("Type") String type,
    @JsonProperty("Source") String source,
    @JsonProperty("Target") String target,
    @JsonProperty("ReadOnly") boolean readOnly,
    @JsonProperty("BindOptions") @JsonInclude(JsonInclude.Include.NON_NULL) BindOptions bindOptions,
    @JsonProperty("VolumeOptions") @JsonInclude(JsonInclude.Include.NON_NULL) VolumeOptions volumeOptions,
    @JsonProperty("TmpfsOptions") @JsonInclude(JsonInclude.Include.NON_NULL) TmpfsOptions tmpfsOptions) {
  /** How a bind mount propagates mounts (Docker's BindOptions; rprivate when empty). */
  public record BindOptions(
      @JsonProperty("Propagation") @JsonInclude(JsonInclude.Include.NON_EMPTY) String propagation,
      @JsonProperty("NonRecursive") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean nonRecursive,
      @JsonProperty("CreateMountpoint") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean createMountpoint) {}

  /** A named volume's options: no copy of the image's files, the labels and driver it is made with. */
  public record VolumeOptions(
      @JsonProperty("NoCopy") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean noCopy,
      @JsonProperty("Labels") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels,
      @JsonProperty("Subpath") @JsonInclude(JsonInclude.Include.NON_EMPTY) String subpath,
      @JsonProperty("DriverConfig") @JsonInclude(JsonInclude.Include.NON_NULL) Driver driverConfig) {
    public VolumeOptions {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      if (driverConfig != null && driverConfig.name() != null && !driverConfig.name().isEmpty()
          && !driverConfig.name().equals("local")) {
        throw new InvalidArgumentException("Mounts.VolumeOptions.DriverConfig: volume driver \""
            + driverConfig.name() + "\" is not supported by Berth (only local)");
      }
    }
  }

  /** A tmpfs mount's size in bytes and mode (0: the engine's defaults). */
  public record TmpfsOptions(
      @JsonProperty("SizeBytes") @JsonInclude(JsonInclude.Include.NON_DEFAULT) long sizeBytes,
      @JsonProperty("Mode") @JsonInclude(JsonInclude.Include.NON_DEFAULT) long mode) {}

  public Mount {
    if (target == null || target.isEmpty()) {
      throw new InvalidArgumentException("a mount needs a Target");
    }
    // an empty options object says nothing (the CLI may send one): equal to none
    if (bindOptions != null && (bindOptions.propagation() == null || bindOptions.propagation().isEmpty())
        && !bindOptions.nonRecursive() && !bindOptions.createMountpoint()) {
      bindOptions = null;
    }
    if (volumeOptions != null && !volumeOptions.noCopy() && volumeOptions.labels().isEmpty()
        && (volumeOptions.subpath() == null || volumeOptions.subpath().isEmpty())
        && (volumeOptions.driverConfig() == null || volumeOptions.driverConfig().options().isEmpty())) {
      volumeOptions = null;
    }
    if (tmpfsOptions != null && tmpfsOptions.sizeBytes() == 0 && tmpfsOptions.mode() == 0) {
      tmpfsOptions = null;
    }
    if (bindOptions != null && !"bind".equals(type) || volumeOptions != null && !"volume".equals(type)
        || tmpfsOptions != null && !"tmpfs".equals(type)) {
      throw new InvalidArgumentException("mount " + target + ": options of another mount type than " + type);
    }
  }

  /** A mount without options. */
  public Mount(String type, String source, String target, boolean readOnly) {
    this(type, source, target, readOnly, null, null, null);
  }
}
