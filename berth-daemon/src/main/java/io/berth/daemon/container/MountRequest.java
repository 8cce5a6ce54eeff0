package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * One mount a container's HostConfig asks for, read from {@code Binds} ({@code -v}), {@code
 * Mounts} ({@code --mount}) or {@code Tmpfs} ({@code --tmpfs}), in that order; the mount planner
 * turns them into mounts at each start. (Create's {@link MountRules} checked them first.)
 */
sealed interface MountRequest {
  String target();

  /** A {@code -v SRC:DST[:OPTS]}: a host path or a volume. */
  record Bind(BindSpec spec) implements MountRequest {
    @Override
    public String target() {
      return spec.destination();
    }
  }

  /** A {@code --mount type=bind}. */
  record HostPath(String source, String target, boolean readOnly, String propagation, boolean recursive,
      boolean createMountpoint) implements MountRequest {}

  /** A {@code --mount type=volume}; an empty source is an anonymous volume. */
  record Volume(String source, String target, boolean readOnly, boolean noCopy, Map<String, String> driverOptions,
      Map<String, String> labels, String subpath) implements MountRequest {}

  /** A {@code --tmpfs} or {@code --mount type=tmpfs}, with the mount options it gets. */
  record Tmpfs(String target, List<String> options) implements MountRequest {}

  /** The requests of {@code hc}: Binds, then Mounts, then Tmpfs, as the planner always took them. */
  static List<MountRequest> of(JsonNode hc) {
    List<MountRequest> out = new ArrayList<>();
    for (JsonNode b : hc.path("Binds")) {
      out.add(new Bind(BindSpec.parse(b.asText())));
    }
    for (JsonNode m : hc.path("Mounts")) {
      out.add(mount(m));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = hc.path("Tmpfs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
      for (String o : e.getValue().asText("").split(",")) {
        if (!o.isBlank()) {
          opts.add(o.trim());
        }
      }
      out.add(new Tmpfs(e.getKey(), List.copyOf(opts)));
    }
    return List.copyOf(out);
  }

  private static MountRequest mount(JsonNode m) {
    String target = m.path("Target").asText();
    String source = m.path("Source").asText("");
    boolean ro = m.path("ReadOnly").asBoolean(false);
    return switch (m.path("Type").asText()) {
      case "bind" -> {
        JsonNode bo = m.path("BindOptions");
        yield new HostPath(source, target, ro, bo.path("Propagation").asText("rprivate"),
            !bo.path("NonRecursive").asBoolean(false), bo.path("CreateMountpoint").asBoolean(false));
      }
      case "volume" -> {
        JsonNode vo = m.path("VolumeOptions");
        yield new Volume(source, target, ro, vo.path("NoCopy").asBoolean(false),
            strings(vo.path("DriverConfig").path("Options")), strings(vo.path("Labels")), vo.path("Subpath").asText(""));
      }
      default -> {
        JsonNode to = m.path("TmpfsOptions");
        List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
        long size = to.path("SizeBytes").asLong(0);
        if (size > 0) {
          opts.add("size=" + size);
        }
        long mode = to.path("Mode").asLong(0);
        if (mode > 0) {
          opts.add("mode=" + Long.toOctalString(mode));
        }
        if (ro) {
          opts.add("ro");
        }
        yield new Tmpfs(target, List.copyOf(opts));
      }
    };
  }

  private static Map<String, String> strings(JsonNode o) {
    Map<String, String> out = new HashMap<>(); // the order volume records always had
    o.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
