package io.berth.daemon.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.volume.LocalVolumeOptions;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Checks a container's HostConfig {@code Binds}, {@code Mounts} and {@code Tmpfs} at create time,
 * with Docker's rules and messages ({@code invalid mount config for type "bind": ...}), so a bad
 * mount never produces a container.
 */
final class MountRules {
  /** tmpfs data options Docker accepts (mount flags such as noexec are accepted besides). */
  private static final Set<String> TMPFS_DATA = Set.of("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks",
      "mpol", "huge", "noswap");
  private static final Set<String> TMPFS_FLAGS = Set.of("defaults", "ro", "rw", "suid", "nosuid", "dev", "nodev",
      "exec", "noexec", "sync", "async", "dirsync", "atime", "noatime", "diratime", "nodiratime", "relatime",
      "norelatime", "strictatime", "nostrictatime", "remount", "mand", "nomand");

  private MountRules() {}

  static void validate(ObjectNode hc) {
    noNul(hc.path("Binds"), "bind mount");
    noNul(hc.path("Mounts"), "mount");
    noNul(hc.path("Tmpfs"), "tmpfs mount");
    Set<String> targets = new HashSet<>();
    for (JsonNode b : hc.path("Binds")) {
      BindSpec spec = BindSpec.parse(b.asText());
      unique(targets, spec.destination());
    }
    for (JsonNode m : hc.path("Mounts")) {
      mount(m);
      unique(targets, m.path("Target").asText());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = hc.path("Tmpfs").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String dst = e.getKey();
      if (!dst.startsWith("/")) {
        throw new InvalidArgumentException("invalid tmpfs mount path: '" + dst + "' mount path must be absolute");
      }
      tmpfsOptions(e.getValue().asText(""));
    }
  }

  /** No path can hold a NUL character: refused here rather than failing the start. */
  private static void noNul(JsonNode n, String what) {
    if (n.toString().contains("\\u0000")) {
      throw new InvalidArgumentException("invalid " + what + ": a path contains a NUL character");
    }
  }

  private static void unique(Set<String> targets, String dst) {
    String clean = dst.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    if (!targets.add(clean)) {
      throw new InvalidArgumentException("Duplicate mount point: " + dst);
    }
  }

  /** One {@code Mounts} entry, as Docker's validateMountConfig. */
  static void mount(JsonNode m) {
    String type = m.path("Type").asText("");
    String target = m.path("Target").asText("");
    String source = m.path("Source").asText("");
    String err = "invalid mount config for type \"" + type + "\": ";
    if (!Set.of("bind", "volume", "tmpfs").contains(type)) {
      throw new InvalidArgumentException(err + "mount type unknown (bind, volume or tmpfs)");
    }
    if (target.isEmpty()) {
      throw new InvalidArgumentException(err + "field Target must not be empty");
    }
    if (!target.startsWith("/")) {
      throw new InvalidArgumentException(err + "invalid mount path: '" + target + "' mount path must be absolute");
    }
    if (target.replaceAll("/+", "/").equals("/")) {
      throw new InvalidArgumentException(err + "invalid specification: destination can't be '/'");
    }
    for (String field : new String[] {"BindOptions", "VolumeOptions", "TmpfsOptions"}) {
      boolean own = field.toLowerCase().startsWith(type);
      if (!own && m.hasNonNull(field)) {
        throw new InvalidArgumentException(err + "field " + field + " must not be specified");
      }
    }
    switch (type) {
      case "bind" -> bind(m, source, err);
      case "volume" -> volume(m, source, err);
      default -> tmpfs(m, source, err);
    }
  }

  private static void bind(JsonNode m, String source, String err) {
    if (source.isEmpty()) {
      throw new InvalidArgumentException(err + "field Source must not be empty");
    }
    if (!source.startsWith("/")) {
      throw new InvalidArgumentException(err + "invalid mount path: '" + source + "' mount path must be absolute");
    }
    JsonNode bo = m.path("BindOptions");
    String propagation = bo.path("Propagation").asText("");
    if (!propagation.isEmpty() && !BindSpec.PROPAGATION.contains(propagation)) {
      throw new InvalidArgumentException(err + "invalid propagation mode: " + propagation
          + " (one of " + String.join(", ", new java.util.TreeSet<>(BindSpec.PROPAGATION)) + ")");
    }
    if (!Files.exists(Path.of(source)) && !bo.path("CreateMountpoint").asBoolean(false)) {
      throw new InvalidArgumentException(err + "bind source path does not exist: " + source);
    }
  }

  private static void volume(JsonNode m, String source, String err) {
    JsonNode vo = m.path("VolumeOptions");
    boolean anonymous = source.isEmpty();
    if (!anonymous && !source.matches(BindSpec.VOLUME_NAME)) {
      throw new InvalidArgumentException(err + "\"" + source + "\" includes invalid characters for a local "
          + "volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
          + "directory, use a bind mount (type=bind)");
    }
    if (m.path("ReadOnly").asBoolean(false) && anonymous) {
      throw new InvalidArgumentException(err + "must not set ReadOnly mode when using anonymous volumes");
    }
    String subpath = vo.path("Subpath").asText("");
    if (!subpath.isEmpty()) {
      if (anonymous) {
        throw new InvalidArgumentException(err + "must not set Subpath when using anonymous volumes");
      }
      Path p = Path.of(subpath).normalize();
      if (p.isAbsolute() || p.startsWith("..")) {
        throw new InvalidArgumentException(err + "subpath must be a relative path within the volume: " + subpath);
      }
    }
    String driver = vo.path("DriverConfig").path("Name").asText("");
    if (!driver.isEmpty() && !driver.equals("local")) {
      throw new InvalidArgumentException(err + "volume driver " + driver + " is not supported (only local)");
    }
    Map<String, String> opts = new HashMap<>();
    vo.path("DriverConfig").path("Options").fields().forEachRemaining(e -> opts.put(e.getKey(), e.getValue().asText()));
    try {
      LocalVolumeOptions.parse(opts);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(err + "volume-opt: " + e.getMessage());
    }
  }

  private static void tmpfs(JsonNode m, String source, String err) {
    if (!source.isEmpty()) {
      throw new InvalidArgumentException(err + "field Source must not be specified");
    }
    JsonNode to = m.path("TmpfsOptions");
    if (to.path("SizeBytes").asLong(0) < 0) {
      throw new InvalidArgumentException(err + "invalid tmpfs size " + to.path("SizeBytes").asLong());
    }
    long mode = to.path("Mode").asLong(0);
    if (mode < 0 || mode > 07777) {
      throw new InvalidArgumentException(err + "invalid tmpfs mode " + Long.toOctalString(mode)
          + " (permission bits, at most 7777 octal)");
    }
  }

  /** Docker's ParseTmpfsOptions: mount flags, or data options it knows. */
  static void tmpfsOptions(String options) {
    for (String o : options.split(",")) {
      String key = o.trim();
      int eq = key.indexOf('=');
      String k = eq < 0 ? key : key.substring(0, eq);
      if (!key.isEmpty() && !TMPFS_FLAGS.contains(key) && !(eq > 0 && TMPFS_DATA.contains(k))) {
        throw new InvalidArgumentException("invalid tmpfs option [\"" + key + "\"] (size=, mode=, uid=, gid=, "
            + "nr_inodes=, or a mount flag such as exec)");
      }
    }
  }
}
