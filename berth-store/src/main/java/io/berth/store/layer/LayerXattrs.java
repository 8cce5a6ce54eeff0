package io.berth.store.layer;

import io.berth.store.os.Syscalls;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which extended attributes travel in layers. Written: {@code security.capability}, as Docker and
 * containerd write it (a revision-3 value, whose root uid means something only in the user
 * namespace that set it, goes as revision 2, as moby does), and {@code user.*}, as Podman writes
 * it. Not written: overlayfs' own bookkeeping, the host's labels ({@code security.selinux} and
 * other {@code security.*}), {@code trusted.*} and ACLs ({@code system.*}), none of which Docker
 * puts in a layer. Applied: whatever a layer carries except overlayfs' own attributes, which
 * would turn a layer's directories opaque or redirect them behind the snapshotter's back; the
 * layer format has whiteout entries for that.
 */
final class LayerXattrs {
  static final String CAPABILITY = "security.capability";
  private static final int CAPS_V2_SIZE = 20;
  private static final int REVISION_BYTE = 3;

  private LayerXattrs() {}

  /** overlayfs' own attributes, in the trusted namespace or (mounted with userxattr) the user one. */
  static boolean overlayOwn(String name) {
    return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
  }

  /** The attributes of {@code p} (never a symlink's target) that its layer entry carries, by name. */
  static Map<String, byte[]> of(Path p) {
    Map<String, byte[]> out = new TreeMap<>();
    for (String name : Syscalls.llistxattr(p.toString())) {
      if (!name.equals(CAPABILITY) && !(name.startsWith("user.") && !overlayOwn(name))) {
        continue;
      }
      byte[] value = Syscalls.lgetxattr(p.toString(), name);
      if (value == null) {
        continue; // removed since it was listed
      }
      out.put(name, name.equals(CAPABILITY) ? asRevision2(value) : value);
    }
    return out;
  }

  private static byte[] asRevision2(byte[] caps) {
    if (caps.length <= CAPS_V2_SIZE || caps[REVISION_BYTE] != 3) {
      return caps;
    }
    byte[] v2 = java.util.Arrays.copyOf(caps, CAPS_V2_SIZE);
    v2[REVISION_BYTE] = 2;
    return v2;
  }
}
