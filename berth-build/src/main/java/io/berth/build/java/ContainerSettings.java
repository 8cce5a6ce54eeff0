package io.berth.build.java;

import java.util.List;
import java.util.Map;

/**
 * What the user configures about the running container in the plugin's configuration: main class
 * (found from the project when absent), JVM flags, program arguments, ports, environment, labels
 * and user. {@code appRoot} is where the application files go.
 */
public record ContainerSettings(
    String appRoot,
    String mainClass,
    List<String> jvmFlags,
    List<String> args,
    List<String> ports,
    Map<String, String> environment,
    Map<String, String> labels,
    String user) {

  public ContainerSettings {
    appRoot = appRoot == null || appRoot.isBlank() ? "/app" : LayerEntry.normalise(appRoot);
    jvmFlags = jvmFlags == null ? List.of() : List.copyOf(jvmFlags);
    args = args == null ? List.of() : List.copyOf(args);
    ports = ports == null ? List.of() : List.copyOf(ports);
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
