package io.berth.daemon.container;

import io.berth.errdefs.InvalidArgumentException;
import java.util.HashSet;
import java.util.Set;

/**
 * One {@code HostConfig.Binds} entry ({@code docker run -v}), parsed as Docker's Linux parser
 * does: {@code /ctr} (an anonymous volume), {@code /ctr:MODE}, {@code SRC:/ctr} or
 * {@code SRC:/ctr:MODE}, where SRC is an absolute host path (a bind mount) or a volume name, and
 * MODE is a comma list of at most one of each: {@code ro|rw}, a propagation, {@code z|Z},
 * {@code nocopy}, a consistency.
 *
 * @param source host path or volume name; empty for an anonymous volume
 * @param propagation {@code rprivate} unless MODE named another (binds only)
 */
public record BindSpec(String source, String destination, boolean readOnly, boolean isVolume, boolean noCopy,
    String propagation, String mode) {
  static final Set<String> PROPAGATION = Set.of("shared", "rshared", "slave", "rslave", "private", "rprivate");
  private static final Set<String> RW = Set.of("ro", "rw");
  private static final Set<String> LABEL = Set.of("z", "Z");
  private static final Set<String> COPY = Set.of("nocopy");
  private static final Set<String> CONSISTENCY = Set.of("consistent", "cached", "delegated");
  static final String VOLUME_NAME = "[a-zA-Z0-9][a-zA-Z0-9_.-]+";

  public boolean anonymous() {
    return isVolume && source.isEmpty();
  }

  public static BindSpec parse(String spec) {
    String[] p = spec.split(":", -1);
    if (spec.isEmpty() || p.length > 3) {
      throw new InvalidArgumentException("invalid volume specification: '" + spec + "'");
    }
    for (String part : p) {
      if (part.isEmpty()) {
        throw new InvalidArgumentException("invalid volume specification: '" + spec + "'");
      }
    }
    String src = "";
    String dst;
    String mode = "";
    if (p.length == 1) {
      dst = p[0];
    } else if (p.length == 2 && validMode(p[1])) {
      dst = p[0];
      mode = p[1];
    } else {
      src = p[0];
      dst = p[1];
      mode = p.length == 3 ? p[2] : "";
    }
    if (!mode.isEmpty() && !validMode(mode)) {
      throw new InvalidArgumentException("invalid mode: " + mode);
    }
    boolean volume = !src.startsWith("/");
    String type = volume ? "volume" : "bind";
    String err = "invalid volume specification: '" + spec + "': invalid mount config for type \"" + type + "\": ";
    if (!dst.startsWith("/")) {
      throw new InvalidArgumentException(err + "invalid mount path: '" + dst + "' mount path must be absolute");
    }
    if (dst.replaceAll("/+", "/").equals("/")) {
      throw new InvalidArgumentException("invalid specification: destination can't be '/' in '" + spec + "'");
    }
    Set<String> words = Set.of(mode.isEmpty() ? new String[0] : mode.split(","));
    boolean ro = words.contains("ro");
    boolean noCopy = words.contains("nocopy");
    String propagation = words.stream().filter(PROPAGATION::contains).findFirst().orElse("rprivate");
    if (!volume && noCopy) {
      throw new InvalidArgumentException(err + "field VolumeOptions must not be specified (nocopy is for volumes)");
    }
    if (volume && src.isEmpty() && ro) {
      throw new InvalidArgumentException(err + "must not set ReadOnly mode when using anonymous volumes");
    }
    if (volume && !src.isEmpty() && !src.matches(VOLUME_NAME)) {
      throw new InvalidArgumentException("invalid volume specification: '" + spec + "': \"" + src
          + "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed."
          + " If you intended to pass a host directory, use absolute path");
    }
    return new BindSpec(src, dst, ro, volume, noCopy, propagation, mode);
  }

  /** Docker's linuxValidMountMode: known words, at most one of each kind. */
  static boolean validMode(String mode) {
    if (mode.isEmpty()) {
      return true;
    }
    Set<Set<String>> used = new HashSet<>();
    for (String w : mode.split(",", -1)) {
      Set<String> kind = RW.contains(w) ? RW : PROPAGATION.contains(w) ? PROPAGATION : LABEL.contains(w) ? LABEL
          : COPY.contains(w) ? COPY : CONSISTENCY.contains(w) ? CONSISTENCY : null;
      if (kind == null || !used.add(kind)) {
        return false;
      }
    }
    return true;
  }
}
