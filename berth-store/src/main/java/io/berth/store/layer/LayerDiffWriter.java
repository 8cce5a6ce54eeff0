package io.berth.store.layer;

import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns a directory of changes into an OCI layer tar: an overlayfs upper directory (what a
 * container or a build step wrote) or a staging tree (what COPY adds). Overlay's own markers
 * become OCI whiteouts: a 0/0 character device is a deleted file ({@code .wh.NAME}), a directory
 * with {@code trusted.overlay.opaque=y} hides everything below it ({@code .wh..wh..opq}). Entries
 * are written in sorted order with owners, modes, times and hard links kept, so the same changes
 * give the same layer. File capabilities and {@code user.*} attributes go along as PAX
 * {@code SCHILY.xattr.*} records; overlay's own attributes never do (see {@link LayerXattrs}).
 * Sockets (a process's leftovers) cannot be archived and are left out.
 */
public final class LayerDiffWriter {
  private LayerDiffWriter() {}

  public static void write(Path dir, OutputStream out) {
    try (TarEntryWriter tar = new TarEntryWriter(out)) {
      List<Path> paths;
      try (Stream<Path> s = Files.walk(dir)) {
        paths = s.filter(p -> !p.equals(dir)).sorted((a, b) -> dir.relativize(a).toString()
            .compareTo(dir.relativize(b).toString())).toList();
      }
      for (Path p : paths) {
        entry(tar, dir, p);
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("writing layer from " + dir, e);
    }
  }

  private static void entry(TarEntryWriter tar, Path root, Path p) throws IOException {
    String name = root.relativize(p).toString();
    Map<String, Object> a = Files.readAttributes(p, TarEntryWriter.ATTRS, LinkOption.NOFOLLOW_LINKS);
    int type = (Integer) a.get("mode") & TarEntryWriter.S_IFMT;
    long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
    if (type == TarEntryWriter.S_IFCHR && ((Long) a.get("rdev")) == 0) {
      Path parent = Path.of(name).getParent();
      tar.marker((parent == null ? "" : parent + "/") + ".wh." + p.getFileName(), mtime);
      return;
    }
    if (!tar.add(p, name, a)) {
      return; // a socket
    }
    if (type == TarEntryWriter.S_IFDIR && opaque(p)) {
      tar.marker(name + "/.wh..wh..opq", mtime);
    }
  }

  private static boolean opaque(Path dir) {
    try {
      byte[] v = Syscalls.lgetxattr(dir.toString(), "trusted.overlay.opaque");
      return v != null && v.length == 1 && v[0] == 'y';
    } catch (Syscalls.SyscallException e) {
      return false; // a staging tree on a file system without trusted xattrs: nothing is opaque
    }
  }
}
