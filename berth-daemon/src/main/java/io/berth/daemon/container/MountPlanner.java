package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.ContainerSpec.MountSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a container's {@code -v}, {@code --mount}, {@code --tmpfs} and the image's VOLUMEs
 * into runtime mounts. Validation runs at create time so a bad mount never produces a container;
 * planning runs at start, when volumes are created and seeded from the image.
 */
public final class MountPlanner {
  private static final Set<String> BIND_OPTS = Set.of("ro", "rw", "z", "Z", "shared", "rshared",
      "slave", "rslave", "private", "rprivate", "nocopy");
  private final VolumeStore volumes;

  public MountPlanner(VolumeStore volumes) {
    this.volumes = volumes;
  }

  /** Checks HostConfig's Binds, Mounts and Tmpfs; throws InvalidArgumentException naming the bad one. */
  public static void validate(ObjectNode hc) {
    for (JsonNode b : hc.path("Binds")) {
      parseBind(b.asText());
    }
    for (JsonNode m : hc.path("Mounts")) {
      String type = m.path("Type").asText("");
      String target = m.path("Target").asText("");
      if (!Set.of("bind", "volume", "tmpfs").contains(type)) {
        throw new InvalidArgumentException("invalid mount config for type \"" + type + "\": mount type unknown");
      }
      if (!target.startsWith("/")) {
        throw new InvalidArgumentException("invalid mount config for type \"" + type
            + "\": invalid mount path: '" + target + "' mount path must be absolute");
      }
      if (type.equals("bind")) {
        String src = m.path("Source").asText("");
        if (!src.startsWith("/")) {
          throw new InvalidArgumentException("invalid mount config for type \"bind\": invalid mount path: '"
              + src + "' mount path must be absolute");
        }
        if (!Files.exists(Path.of(src))) {
          throw new InvalidArgumentException("invalid mount config for type \"bind\": bind source path does not exist: " + src);
        }
      }
    }
    for (Iterator<String> it = hc.path("Tmpfs").fieldNames(); it.hasNext(); ) {
      String dst = it.next();
      if (!dst.startsWith("/")) {
        throw new InvalidArgumentException("invalid tmpfs mount path: '" + dst + "' mount path must be absolute");
      }
    }
  }

  /** {@code src:dst[:opts]}; src is a host path (absolute) or a volume name. */
  record Bind(String source, String destination, boolean readOnly, boolean isVolume) {}

  static Bind parseBind(String spec) {
    String[] p = spec.split(":", -1);
    if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
      throw new InvalidArgumentException("invalid volume specification: '" + spec + "'");
    }
    if (!p[1].startsWith("/")) {
      throw new InvalidArgumentException("invalid volume specification: '" + spec
          + "': invalid mount config for type \"bind\": invalid mount path: '" + p[1]
          + "' mount path must be absolute");
    }
    boolean ro = false;
    if (p.length == 3) {
      for (String o : p[2].split(",")) {
        if (!BIND_OPTS.contains(o)) {
          throw new InvalidArgumentException("invalid mode: " + o);
        }
        ro |= o.equals("ro");
      }
    }
    boolean isVolume = !p[0].startsWith("/");
    if (isVolume && !p[0].matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+")) {
      throw new InvalidArgumentException("invalid volume specification: '" + spec
          + "': \"" + p[0] + "\" includes invalid characters for a local volume name");
    }
    return new Bind(p[0], p[1], ro, isVolume);
  }

  /** Plans the mounts of {@code c}, creating volumes it names; records them on {@code c.mounts}. */
  public List<MountSpec> plan(Container c, Path rootfs) {
    List<MountSpec> specs = new ArrayList<>();
    List<Container.MountPoint> points = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    ObjectNode hc = c.hostConfig;
    for (JsonNode b : hc.path("Binds")) {
      Bind bind = parseBind(b.asText());
      targets.add(bind.destination());
      if (bind.isVolume()) {
        addVolume(c, rootfs, bind.source(), bind.destination(), bind.readOnly(), false, specs, points);
      } else {
        Path src = Path.of(bind.source());
        try {
          Files.createDirectories(src);
        } catch (IOException e) {
          if (!Files.exists(src)) {
            throw new InvalidArgumentException("error while creating mount source path '" + src + "': " + e.getMessage());
          }
        }
        specs.add(bindSpec(src.toString(), bind.destination(), bind.readOnly()));
        points.add(new Container.MountPoint("bind", "", src.toString(), bind.destination(),
            bind.readOnly() ? "ro" : "", !bind.readOnly()));
      }
    }
    for (JsonNode m : hc.path("Mounts")) {
      String type = m.path("Type").asText();
      String target = m.path("Target").asText();
      boolean ro = m.path("ReadOnly").asBoolean(false);
      targets.add(target);
      switch (type) {
        case "bind" -> {
          specs.add(bindSpec(m.path("Source").asText(), target, ro));
          points.add(new Container.MountPoint("bind", "", m.path("Source").asText(), target, "", !ro));
        }
        case "volume" -> addVolume(c, rootfs, m.path("Source").asText(""), target, ro,
            m.path("Source").asText("").isEmpty(), specs, points);
        default -> {
          long size = m.path("TmpfsOptions").path("SizeBytes").asLong(0);
          List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
          if (size > 0) {
            opts.add("size=" + size);
          }
          specs.add(new MountSpec(target, "tmpfs", "tmpfs", opts));
          points.add(new Container.MountPoint("tmpfs", "", "", target, "", true));
        }
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = hc.path("Tmpfs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      targets.add(e.getKey());
      List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
      for (String o : e.getValue().asText("").split(",")) {
        if (!o.isBlank()) {
          opts.add(o.trim());
        }
      }
      specs.add(new MountSpec(e.getKey(), "tmpfs", "tmpfs", opts));
      points.add(new Container.MountPoint("tmpfs", "", "", e.getKey(), "", true));
    }
    for (Iterator<String> it = c.config.path("Volumes").fieldNames(); it.hasNext(); ) {
      String dst = it.next();
      if (!targets.contains(dst)) {
        String existing = c.mounts.stream().filter(p -> p.destination().equals(dst) && p.type().equals("volume"))
            .map(Container.MountPoint::name).findFirst().orElse("");
        addVolume(c, rootfs, existing, dst, false, true, specs, points);
      }
    }
    c.mounts = points;
    return specs;
  }

  private void addVolume(Container c, Path rootfs, String name, String dst, boolean ro,
      boolean anonymous, List<MountSpec> specs, List<Container.MountPoint> points) {
    boolean fresh = name.isEmpty() || !volumes.exists(name);
    String vname = volumes.create(name, Map.of(), anonymous).get("Name").asText();
    Path data = volumes.dataDir(vname);
    if (fresh) {
      seedFromImage(rootfs, dst, data);
    }
    specs.add(bindSpec(data.toString(), dst, ro));
    points.add(new Container.MountPoint("volume", vname, data.toString(), dst, ro ? "ro" : "z", !ro));
  }

  /** Docker copies the image's content at the mount point into a new, empty volume. */
  private static void seedFromImage(Path rootfs, String dst, Path data) {
    Path inImage = rootfs.resolve(dst.substring(1)).normalize();
    if (!inImage.startsWith(rootfs) || !Files.isDirectory(inImage, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      new ProcessBuilder("cp", "-a", inImage + "/.", data.toString())
          .redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("seeding volume from image", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static MountSpec bindSpec(String src, String dst, boolean ro) {
    List<String> opts = new ArrayList<>(List.of("rbind", "rprivate"));
    opts.add(ro ? "ro" : "rw");
    return new MountSpec(dst, "bind", src, opts);
  }
}
