package io.berth.build.java;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Splits a project into layers ordered from least to most often changed, as Jib does, so that a
 * one-line code change rebuilds and pushes only the small classes layer: release dependencies,
 * snapshot dependencies, resources, classes. Files land under the app root
 * ({@code /app/libs}, {@code /app/resources}, {@code /app/classes}).
 */
public final class JavaLayers {
  /** One named layer and its files. */
  public record Layer(String name, List<LayerEntry> entries) {}

  private JavaLayers() {}

  public static List<Layer> plan(JavaProject project, String appRoot) {
    List<Layer> out = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (JavaProject.Dependency d : project.dependencies()) {
      names.merge(d.jar().getFileName().toString(), 1, Integer::sum);
    }
    List<LayerEntry> release = new ArrayList<>();
    List<LayerEntry> snapshots = new ArrayList<>();
    for (JavaProject.Dependency d : project.dependencies()) {
      String file = d.jar().getFileName().toString();
      // two artifacts with one file name (same artifactId, different groups) must not overwrite
      String name = names.get(file) > 1 ? d.groupId() + "-" + file : file;
      (d.snapshot() ? snapshots : release).add(LayerEntry.file(d.jar(), appRoot + "/libs/" + name));
    }
    add(out, "dependencies", release);
    add(out, "snapshot-dependencies", snapshots);
    // Maven copies resources into the classes directory: split that directory by file kind
    boolean shared = project.resources() != null && project.resources().equals(project.classes());
    add(out, "resources", tree(project.resources(), appRoot + "/resources").stream()
        .filter(e -> !shared || !e.target().endsWith(".class")).toList());
    add(out, "classes", tree(project.classes(), appRoot + "/classes").stream()
        .filter(e -> !shared || e.target().endsWith(".class")).toList());
    return out;
  }

  /** The classpath the entrypoint uses for a layered (non Spring Boot) project. */
  public static String classpath(String appRoot) {
    return appRoot + "/resources:" + appRoot + "/classes:" + appRoot + "/libs/*";
  }

  private static void add(List<Layer> out, String name, List<LayerEntry> entries) {
    if (!entries.isEmpty()) {
      out.add(new Layer(name, entries));
    }
  }

  /** Every regular file below {@code dir}, placed below {@code target}. */
  static List<LayerEntry> tree(Path dir, String target) {
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted()
          .map(p -> LayerEntry.file(p, target + "/" + dir.relativize(p).toString().replace('\\', '/')))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + dir, e);
    }
  }
}
