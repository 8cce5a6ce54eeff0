package io.berth.build.executor;

import io.berth.errdefs.NotFoundException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * All four roles of a {@link BuildBackend} in memory: images by id and tag, layers as maps of
 * path to bytes (a directory maps to null), a RUN that records its step and "changes" one file,
 * mounts that lay an image's layers out in a temporary directory, and the step cache as a map.
 */
final class FakeBackend implements BuildImages, StepRunner, ImageFiles, StepCache {
  final Map<Digest, BuildImage> images = new HashMap<>();
  final Map<String, Digest> tags = new HashMap<>();
  final Map<Digest, Map<String, byte[]>> layers = new HashMap<>();
  /** uid:gid of each file a stored layer holds, by path. */
  final Map<String, String> owners = new HashMap<>();
  final List<Step> runs = new ArrayList<>();
  final Map<String, BuildImage> cache = new HashMap<>();
  final Path mounts;
  /** The exit code of each RUN; 0 unless a test says otherwise. */
  ToIntFunction<Step> exitCodes = step -> 0;
  int openMounts;

  FakeBackend(Path mounts) {
    this.mounts = mounts;
  }

  BuildBackend backend() {
    return new BuildBackend(this, this, this, this);
  }

  /** A base image under {@code name} with one layer holding {@code files}, and an ENV and a CMD. */
  BuildImage base(String name, Map<String, String> files) {
    Map<String, byte[]> layer = new TreeMap<>();
    files.forEach((p, content) -> layer.put(p, content.getBytes(StandardCharsets.UTF_8)));
    Digest diff = Digest.sha256(("base layer " + name + " " + files).getBytes(StandardCharsets.UTF_8));
    layers.put(diff, layer);
    ContainerConfig settings = new ContainerConfig(null, null, List.of("PATH=/bin"), null, List.of("sh"), null, null,
        null, null, null, null, null);
    BuildImage image = register(new ImageConfig("2020-01-01T00:00:00Z", null, "amd64", "linux", settings,
        new ImageConfig.RootFs("layers", List.of(diff.toString())),
        List.of(new ImageConfig.History("2020-01-01T00:00:00Z", "import", null, null, null))));
    tags.put(name, image.id());
    return image;
  }

  BuildImage tagged(String name) {
    return images.get(tags.get(name));
  }

  /** The files an image's layers hold, later layers over earlier ones. */
  Map<String, String> files(BuildImage image) {
    Map<String, String> out = new TreeMap<>();
    for (Digest d : image.diffIds()) {
      layers.get(d).forEach((p, b) -> out.put(p, b == null ? null : new String(b, StandardCharsets.UTF_8)));
    }
    return out;
  }

  @Override
  public BuildImage resolve(String reference) {
    Digest id = tags.get(reference);
    if (id == null && reference.startsWith("sha256:")) {
      id = Digest.parse(reference);
    }
    BuildImage image = id == null ? null : images.get(id);
    if (image == null) {
      throw new NotFoundException("no such image: " + reference);
    }
    return image;
  }

  @Override
  public Digest storeLayer(Path tree) {
    Map<String, byte[]> layer = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(tree)) {
      for (Path p : walk.filter(p -> !p.equals(tree)).toList()) {
        String path = "/" + tree.relativize(p);
        layer.put(path, Files.isDirectory(p) ? null : Files.readAllBytes(p));
        owners.put(path, Files.getAttribute(p, "unix:uid") + ":" + Files.getAttribute(p, "unix:gid"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder text = new StringBuilder();
    layer.forEach((p, b) -> text.append(p).append('=').append(b == null ? "dir" : new String(b, StandardCharsets.UTF_8))
        .append('\n'));
    Digest diff = Digest.sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    layers.put(diff, layer);
    return diff;
  }

  @Override
  public BuildImage register(ImageConfig config) {
    for (Digest d : BuildImage.diffIds(config)) {
      if (!layers.containsKey(d)) {
        throw new IllegalStateException("the config names a layer never stored: " + d);
      }
    }
    BuildImage image = new BuildImage(Digest.sha256(Json.bytes(config)), config);
    images.put(image.id(), image);
    return image;
  }

  @Override
  public void tag(BuildImage image, String name) {
    tags.put(name, image.id());
  }

  /** Records the step; exit 0 "changes" /ran-N, whose content is the command, as the step's layer. */
  @Override
  public Result run(Step step, Consumer<String> out) {
    runs.add(step);
    out.accept(" ---> Running in fake" + runs.size() + "\n");
    int code = exitCodes.applyAsInt(step);
    if (code != 0) {
      return Result.failed(code);
    }
    Digest diff = Digest.sha256((step.parent().id() + " " + step.argv() + " " + step.env() + " " + step.network())
        .getBytes(StandardCharsets.UTF_8));
    layers.put(diff, Map.of("/ran-" + runs.size(), String.join(" ", step.argv()).getBytes(StandardCharsets.UTF_8)));
    return Result.committed(diff);
  }

  @Override
  public Mount mount(BuildImage image) {
    try {
      Path root = Files.createTempDirectory(mounts, "mount-");
      for (Digest d : image.diffIds()) {
        for (Map.Entry<String, byte[]> e : layers.get(d).entrySet()) {
          Path p = root.resolve(e.getKey().substring(1));
          if (e.getValue() == null) {
            Files.createDirectories(p);
          } else {
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
          }
        }
      }
      openMounts++;
      return new Mount() {
        boolean closed;

        @Override
        public Path root() {
          return root;
        }

        @Override
        public void close() {
          if (!closed) {
            closed = true;
            openMounts--;
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean isDirectory(BuildImage image, String path) {
    String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    return image.diffIds().stream().anyMatch(d -> layers.get(d).containsKey(p) && layers.get(d).get(p) == null);
  }

  @Override
  public BuildImage lookup(String key) {
    return cache.get(key);
  }

  @Override
  public void record(String key, BuildImage image) {
    cache.put(key, image);
  }
}
