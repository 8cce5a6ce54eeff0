package io.berth.build.executor;

import io.berth.oci.ContainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one stage of a build stands: the image it last produced (each step's result is an image,
 * as in Docker's classic builder, which is also what the cache points at), the run-time settings
 * the next steps change, and the ARG values in scope (visible to RUN, never stored in the image).
 */
final class BuildState {
  /** The image the stage's last step produced: what the next step starts from. */
  BuildImage current;
  String user;
  Map<String, Object> ports = new LinkedHashMap<>();
  Map<String, String> env = new LinkedHashMap<>();
  List<String> entrypoint;
  List<String> cmd;
  Map<String, Object> volumes = new LinkedHashMap<>();
  String workdir;
  Map<String, String> labels = new LinkedHashMap<>();
  String stopSignal;
  ContainerConfig.HealthConfig healthcheck;
  List<String> onBuild = new ArrayList<>();
  /** The shell of RUN and shell-form CMD/ENTRYPOINT; stored in the image once SHELL set it, so children inherit it. */
  List<String> shell = DEFAULT_SHELL;
  static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
  final Map<String, String> args = new LinkedHashMap<>();
  /** The Dockerfile's escape character (the escape directive), also for variable expansion. */
  final char escape;

  BuildState(char escape) {
    this.escape = escape;
  }

  /** Loads the run-time settings of the image a stage starts FROM. */
  void from(BuildImage base) {
    current = base;
    ContainerConfig c = base.config().config() == null ? ContainerConfig.empty() : base.config().config();
    user = c.user();
    ports = c.exposedPorts() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.exposedPorts());
    env = new LinkedHashMap<>();
    if (c.env() != null) {
      for (String e : c.env()) {
        int eq = e.indexOf('=');
        env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
      }
    }
    entrypoint = c.entrypoint();
    cmd = c.cmd();
    volumes = c.volumes() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.volumes());
    workdir = c.workingDir();
    labels = c.labels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.labels());
    stopSignal = c.stopSignal();
    healthcheck = c.healthcheck();
    onBuild = new ArrayList<>();
    shell = c.shell() == null || c.shell().isEmpty() ? DEFAULT_SHELL : c.shell();
  }

  ContainerConfig config() {
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    return new ContainerConfig(user, ports.isEmpty() ? null : ports, envList.isEmpty() ? null : envList, entrypoint,
        cmd, volumes.isEmpty() ? null : volumes, workdir, labels.isEmpty() ? null : labels, stopSignal, healthcheck,
        onBuild.isEmpty() ? null : onBuild, shell == DEFAULT_SHELL ? null : shell);
  }

  /** What RUN's container gets: ENV, then the ARGs in scope that ENV does not set (those never reach the image). */
  List<String> runEnv() {
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(k + "=" + v));
    args.forEach((k, v) -> {
      if (!env.containsKey(k)) {
        out.add(k + "=" + v);
      }
    });
    return out;
  }

  /** Variables for expansion: ARGs, then ENV over them, as Docker resolves them. */
  String lookup(String name) {
    String v = env.get(name);
    return v != null ? v : args.get(name);
  }
}
