package io.berth.build.java;

import io.berth.oci.ContainerConfig;
import io.berth.oci.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives the new image's config from the base image's: the base's layers and history are kept,
 * the application's layers appended, environment and labels merged (the project's win), and the
 * entrypoint set to run the JVM. Timestamps are fixed at the epoch so that equal inputs give an
 * equal config digest, hence an equal image id.
 */
public final class JavaImageConfig {
  public static final String EPOCH = "1970-01-01T00:00:00Z";

  private JavaImageConfig() {}

  /**
   * @param layerNames  one per appended layer, for history ("berth-maven-plugin: classes")
   * @param entrypoint  the full command, from {@link #entrypoint}
   */
  public static ImageConfig derive(ImageConfig base, List<String> diffIds, List<String> layerNames,
      List<String> entrypoint, ContainerSettings s) {
    ContainerConfig b = base.config() == null ? ContainerConfig.empty() : base.config();
    Map<String, String> env = new LinkedHashMap<>();
    if (b.env() != null) {
      for (String e : b.env()) {
        int eq = e.indexOf('=');
        env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
      }
    }
    env.putAll(new TreeMap<>(s.environment()));
    List<String> envList = new ArrayList<>();
    env.forEach((k, v) -> envList.add(k + "=" + v));
    Map<String, String> labels = new TreeMap<>();
    if (b.labels() != null) {
      labels.putAll(b.labels());
    }
    labels.putAll(s.labels());
    Map<String, Object> ports = new TreeMap<>();
    if (b.exposedPorts() != null) {
      ports.putAll(b.exposedPorts());
    }
    for (String p : s.ports()) {
      ports.put(p.contains("/") ? p : p + "/tcp", Map.of());
    }
    ContainerConfig cc = new ContainerConfig(s.user() != null ? s.user() : b.user(), ports.isEmpty() ? null : ports,
        envList.isEmpty() ? null : envList, entrypoint, s.args().isEmpty() ? null : s.args(), b.volumes(),
        b.workingDir(), labels.isEmpty() ? null : labels, b.stopSignal(), b.healthcheck(), null, b.shell());
    List<String> allDiffs = new ArrayList<>();
    if (base.rootfs() != null && base.rootfs().diffIds() != null) {
      allDiffs.addAll(base.rootfs().diffIds());
    }
    allDiffs.addAll(diffIds);
    List<ImageConfig.History> history = new ArrayList<>();
    if (base.history() != null) {
      history.addAll(base.history());
    }
    for (String name : layerNames) {
      history.add(new ImageConfig.History(EPOCH, "berth-maven-plugin: " + name, null, null, null));
    }
    return new ImageConfig(EPOCH, null, "amd64", "linux", cc, new ImageConfig.RootFs("layers", allDiffs), history);
  }

  /** {@code java <flags> -cp <classpath> <main>}: the JVM on PATH of the base image. */
  public static List<String> entrypoint(ContainerSettings s, String classpath, String mainClass) {
    List<String> out = new ArrayList<>();
    out.add("java");
    out.addAll(s.jvmFlags());
    out.add("-cp");
    out.add(classpath);
    out.add(mainClass);
    return out;
  }
}
