package io.berth.cluster.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.errdefs.InvalidArgumentException;
import java.util.List;
import java.util.Map;

/** The container each task of a service runs: image (a digest once resolved), command, environment, mounts. */
public record ContainerSpec(
    @JsonProperty("Image") String image,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Command") List<String> command,
    @JsonProperty("Args") List<String> args,
    @JsonProperty("Hostname") String hostname,
    @JsonProperty("Env") List<String> env,
    @JsonProperty("Dir") String dir,
    @JsonProperty("User") String user,
    @JsonProperty("Mounts") List<Mount> mounts) {
  public ContainerSpec {
    if (image == null || image.isBlank()) {
      throw new InvalidArgumentException("ContainerSpec must have an image");
    }
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    command = command == null ? List.of() : List.copyOf(command);
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? List.of() : List.copyOf(env);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
  }

  public static ContainerSpec of(String image) {
    return new ContainerSpec(image, null, null, null, null, null, null, null, null);
  }
}
