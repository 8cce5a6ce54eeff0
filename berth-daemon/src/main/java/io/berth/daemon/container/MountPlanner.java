package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.volume.CopyUp;
import io.berth.daemon.volume.VolumeStore;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.store.layer.RootPath;
import io.berth.runtime.ContainerSpec.MountSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a container's {@code -v}, {@code --mount}, {@code --tmpfs} and the image's VOLUMEs
 * into runtime mounts. Validation runs at create time so a bad mount never produces a container;
 * planning runs at each start: named volumes are created, anonymous ones (image VOLUME,
 * {@code -v /path}, {@code --mount} without source) get a random name once and keep it across
 * restarts, a new empty volume is filled from the image (unless {@code nocopy}), and volumes with
 * driver options are mounted. {@link #release} unmounts those when no running container uses them.
 */
public final class MountPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(MountPlanner.class);
  private final VolumeStore volumes;
  private final Supplier<Collection<Container>> containers;

  /** {@code containers} lists every container (to find running users after a daemon restart). */
  public MountPlanner(VolumeStore volumes, Supplier<Collection<Container>> containers) {
    this.volumes = volumes;
    this.containers = containers;
  }

  public MountPlanner(VolumeStore volumes) {
    this(volumes, List::of);
  }

  /** Checks HostConfig's Binds, Mounts and Tmpfs; throws InvalidArgumentException naming the bad one. */
  public static void validate(ObjectNode hc) {
    MountRules.validate(hc);
  }

  /**
   * The volumes a container references: those it mounted when it last started and those its
   * configuration names (a created container that never ran holds its named volumes too).
   */
  public static Set<String> volumeNames(Container c) {
    Set<String> out = new LinkedHashSet<>();
    for (Container.MountPoint m : c.mounts) {
      if (m.type().equals("volume")) {
        out.add(m.name());
      }
    }
    if (c.hostConfig != null) {
      // the wire JSON, not HostSpec: this asks of every record (volume rm, prune), and one
      // written before the bind rules tightened must still answer instead of failing to parse
      for (JsonNode b : c.hostConfig.path("Binds")) {
        try {
          BindSpec s = BindSpec.parse(b.asText());
          if (s.isVolume() && !s.anonymous()) {
            out.add(s.source());
          }
        } catch (InvalidArgumentException e) {
          // a record from before the rules tightened: it names no volume we could use
        }
      }
      for (JsonNode m : c.hostConfig.path("Mounts")) {
        if (m.path("Type").asText().equals("volume") && !m.path("Source").asText("").isEmpty()) {
          out.add(m.path("Source").asText());
        }
      }
    }
    return out;
  }

  /**
   * As Docker, {@code create} already creates the named volumes a container refers to (with the
   * options and labels of a {@code --mount}), so {@code volume ls} shows them before it starts.
   */
  public void createNamedVolumes(List<MountRequest> requests) {
    for (MountRequest r : requests) {
      switch (r) {
        case MountRequest.Bind(BindSpec s) when s.isVolume() && !s.anonymous() && !volumes.exists(s.source()) ->
            volumes.create(s.source(), Map.of(), false);
        case MountRequest.Volume v when !v.source().isEmpty() && !volumes.exists(v.source()) ->
            volumes.create(v.source(), v.labels(), v.driverOptions(), false);
        default -> {
        }
      }
    }
  }

  /** Plans the mounts of {@code c}, creating volumes it names; records them on {@code c.mounts}. */
  public List<MountSpec> plan(Container c, Path rootfs) {
    List<Container.MountPoint> before = c.mounts;
    Plan p = new Plan(c, rootfs, before);
    try {
      for (MountRequest r : c.host().mounts()) {
        switch (r) {
          case MountRequest.Bind(BindSpec b) -> p.bind(b);
          case MountRequest.HostPath h -> p.hostPath(h);
          case MountRequest.Volume v -> p.volume(v.source(), v.target(), v.readOnly(), v.source().isEmpty(),
              v.noCopy(), v.driverOptions(), v.labels(), v.subpath());
          case MountRequest.Tmpfs t -> p.tmpfs(t.target(), t.options());
        }
      }
      for (String dst : c.configSpec().volumes()) {
        if (!p.targets.contains(dst)) {
          p.volume("", dst, false, true, false, Map.of(), Map.of(), "");
        }
      }
    } catch (RuntimeException e) {
      release(c.id, p.points);
      throw e;
    }
    c.mounts = p.points;
    // parents before children (-v a:/data -v b:/data/sub), as Docker sorts them
    p.specs.sort(java.util.Comparator.comparingInt(m -> Path.of(m.destination()).normalize().getNameCount()));
    return p.specs;
  }

  /**
   * The container stopped: volumes with driver options that no other running (or starting)
   * container uses are unmounted, as Docker's local driver does when its last user goes.
   */
  public void release(Container c) {
    release(c.id, c.mounts);
  }

  private void release(String id, List<Container.MountPoint> mounts) {
    for (Container.MountPoint m : mounts) {
      if (m.type().equals("volume")) {
        try {
          volumes.release(m.name(), id, v -> runningElsewhere(v, id));
        } catch (RuntimeException e) {
          LOG.warn("unmounting volume {} after container {} stopped: {}", m.name(), id, e.getMessage());
        }
      }
    }
  }

  private boolean runningElsewhere(String volume, String id) {
    for (Container o : containers.get()) {
      if (!o.id.equals(id) && o.state.running()
          && o.mounts.stream().anyMatch(m -> m.type().equals("volume") && m.name().equals(volume))) {
        return true;
      }
    }
    return false;
  }

  /** One start's worth of mounts being planned. */
  private final class Plan {
    final Container c;
    final Path rootfs;
    final List<Container.MountPoint> before;
    final List<MountSpec> specs = new ArrayList<>();
    final List<Container.MountPoint> points = new ArrayList<>();
    final Set<String> targets = new HashSet<>();

    Plan(Container c, Path rootfs, List<Container.MountPoint> before) {
      this.c = c;
      this.rootfs = rootfs;
      this.before = before;
    }

    void bind(BindSpec b) {
      targets.add(b.destination());
      if (b.isVolume()) {
        volume(b.source(), b.destination(), b.readOnly(), b.anonymous(), b.noCopy(), Map.of(), Map.of(), "");
        return;
      }
      Path src = Path.of(b.source());
      createSource(src);
      HostMounts.checkPropagation(src.toString(), b.propagation());
      specs.add(bindSpec(src.toString(), b.destination(), b.readOnly(), b.propagation(), true));
      points.add(new Container.MountPoint("bind", "", src.toString(), b.destination(), b.mode(), !b.readOnly()));
    }

    void hostPath(MountRequest.HostPath h) {
      targets.add(h.target());
      if (h.createMountpoint()) {
        createSource(Path.of(h.source()));
      }
      HostMounts.checkPropagation(h.source(), h.propagation());
      specs.add(bindSpec(h.source(), h.target(), h.readOnly(), h.propagation(), h.recursive()));
      points.add(new Container.MountPoint("bind", "", h.source(), h.target(), "", !h.readOnly()));
    }

    void tmpfs(String target, List<String> opts) {
      targets.add(target);
      specs.add(new MountSpec(target, "tmpfs", "tmpfs", opts));
      points.add(new Container.MountPoint("tmpfs", "", "", target, "", !opts.contains("ro")));
    }

    void volume(String name, String dst, boolean ro, boolean anonymous, boolean noCopy,
        Map<String, String> options, Map<String, String> labels, String subpath) {
      targets.add(dst);
      if (anonymous) {
        // an anonymous volume is made once for the container and kept across its restarts
        name = before.stream().filter(p -> p.destination().equals(dst) && p.type().equals("volume"))
            .map(Container.MountPoint::name).filter(volumes::exists).findFirst().orElse("");
      }
      VolumeStore.Use use = volumes.acquire(name, labels, options, anonymous, c.id);
      String vname = use.name();
      Path data = use.data();
      boolean firstUse = before.stream().noneMatch(p -> p.destination().equals(dst) && vname.equals(p.name()));
      points.add(new Container.MountPoint("volume", vname, data.toString(), dst, ro ? "ro" : "z", !ro));
      // as Docker: a new, empty volume is first filled with what the image has at the mount point
      if (firstUse && !noCopy && volumes.isEmpty(vname)) {
        CopyUp.fromImage(rootfs, dst, data);
      }
      Path src = data;
      if (!subpath.isEmpty()) {
        src = RootPath.inChroot(data, subpath, false);
        if (src == null || !src.startsWith(data) || !Files.exists(src)) {
          throw new InvalidArgumentException("cannot access path " + subpath + " in volume " + vname
              + ": no such file or directory (create it in the volume first)");
        }
      }
      specs.add(bindSpec(src.toString(), dst, ro, "rprivate", true));
    }
  }

  private static void createSource(Path src) {
    try {
      Files.createDirectories(src);
    } catch (IOException e) {
      if (!Files.exists(src)) {
        throw new InvalidArgumentException("error while creating mount source path '" + src + "': " + e.getMessage());
      }
    }
  }

  private static MountSpec bindSpec(String src, String dst, boolean ro, String propagation, boolean recursive) {
    List<String> opts = new ArrayList<>(List.of(recursive ? "rbind" : "bind", propagation));
    opts.add(ro ? "ro" : "rw");
    return new MountSpec(dst, "bind", src, opts);
  }
}
