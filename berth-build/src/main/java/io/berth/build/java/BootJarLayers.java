package io.berth.build.java;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * Lays out a Spring Boot executable jar the way Spring Boot itself recommends for images: the jar
 * is exploded and its entries grouped by the jar's {@code BOOT-INF/layers.idx} (dependencies,
 * spring-boot-loader, snapshot-dependencies, application), so that the launcher and libraries are
 * cached layers and only the application layer changes with the code. The entrypoint runs the
 * jar's own launcher class ({@code Main-Class}) with the exploded directory as class path.
 */
public final class BootJarLayers {
  /** What a Boot jar becomes: layers in index order, and the launcher class to run. */
  public record Plan(List<JavaLayers.Layer> layers, String launcher) {}

  private static final String DEFAULT_INDEX = """
      - "dependencies":
        - "BOOT-INF/lib/"
      - "spring-boot-loader":
        - "org/"
      - "snapshot-dependencies":
      - "application":
        - ""
      """;

  private BootJarLayers() {}

  /** Explodes {@code jar} into {@code scratch} and plans its layers below {@code appRoot}. */
  public static Plan plan(Path jar, Path scratch, String appRoot) {
    try (JarFile jf = new JarFile(jar.toFile())) {
      Manifest mf = jf.getManifest();
      String launcher = mf == null ? null : mf.getMainAttributes().getValue("Main-Class");
      if (launcher == null || !launcher.startsWith("org.springframework.boot.loader")) {
        throw new IllegalArgumentException(jar + " is not a Spring Boot executable jar (Main-Class is " + launcher + ")");
      }
      ZipEntry idx = jf.getEntry("BOOT-INF/layers.idx");
      String index = idx == null ? DEFAULT_INDEX : new String(jf.getInputStream(idx).readAllBytes(), StandardCharsets.UTF_8);
      Map<String, List<String>> layers = parseIndex(index);
      Map<String, List<LayerEntry>> entries = new LinkedHashMap<>();
      layers.keySet().forEach(k -> entries.put(k, new ArrayList<>()));
      for (ZipEntry e : java.util.Collections.list(jf.entries())) {
        if (e.isDirectory()) {
          continue;
        }
        String name = e.getName();
        Path out = scratch.resolve(LayerEntry.normalise(name).substring(1));
        if (!out.normalize().startsWith(scratch.normalize())) {
          throw new IllegalArgumentException("jar entry escapes: " + name);
        }
        Files.createDirectories(out.getParent());
        try (InputStream in = jf.getInputStream(e)) {
          Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (e.getLastModifiedTime() != null) {
          Files.setLastModifiedTime(out, e.getLastModifiedTime()); // keeps the layer cache key stable
        }
        entries.get(layerOf(layers, name)).add(LayerEntry.file(out, appRoot + "/" + name));
      }
      List<JavaLayers.Layer> out = new ArrayList<>();
      entries.forEach((k, v) -> {
        if (!v.isEmpty()) {
          out.add(new JavaLayers.Layer(k, v));
        }
      });
      return new Plan(out, launcher);
    } catch (IOException e) {
      throw new UncheckedIOException("reading Spring Boot jar " + jar, e);
    }
  }

  /** {@code layers.idx}: {@code - "name":} lines, each followed by {@code   - "prefix"} lines. */
  static Map<String, List<String>> parseIndex(String index) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> current = null;
    int lineNo = 0;
    for (String line : index.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("- \"") && line.endsWith("\":")) {
        current = new ArrayList<>();
        out.put(line.substring(3, line.length() - 2), current);
      } else if (line.startsWith("  - \"") && line.endsWith("\"") && current != null) {
        current.add(line.substring(5, line.length() - 1));
      } else {
        throw new IllegalArgumentException("BOOT-INF/layers.idx line " + lineNo + " is malformed: " + line);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("BOOT-INF/layers.idx names no layers");
    }
    return out;
  }

  /** The first layer with a matching prefix (a name ending in '/') or exact name; else the last. */
  static String layerOf(Map<String, List<String>> layers, String entry) {
    String last = null;
    for (Map.Entry<String, List<String>> l : layers.entrySet()) {
      last = l.getKey();
      for (String p : l.getValue()) {
        if (p.endsWith("/") ? entry.startsWith(p) : (p.isEmpty() || entry.equals(p))) {
          return l.getKey();
        }
      }
    }
    return last;
  }
}
