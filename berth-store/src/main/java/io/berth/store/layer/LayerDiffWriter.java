package io.berth.store.layer;

import io.berth.store.os.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Turns a directory of changes into an OCI layer tar: an overlayfs upper directory (what a
 * container or a build step wrote) or a staging tree (what COPY adds). Overlay's own markers
 * become OCI whiteouts: a 0/0 character device is a deleted file ({@code .wh.NAME}), a directory
 * with {@code trusted.overlay.opaque=y} hides everything below it ({@code .wh..wh..opq}). Entries
 * are written in sorted order with owners, modes, times and hard links kept, so the same changes
 * give the same layer. File capabilities and {@code user.*} attributes go along as PAX
 * {@code SCHILY.xattr.*} records; overlay's own attributes never do (see {@link LayerXattrs}).
 */
public final class LayerDiffWriter {
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;

  private LayerDiffWriter() {}

  public static void write(Path dir, OutputStream out) {
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      Map<Object, String> links = new HashMap<>();
      List<Path> paths;
      try (Stream<Path> s = Files.walk(dir)) {
        paths = s.filter(p -> !p.equals(dir)).sorted((a, b) -> dir.relativize(a).toString()
            .compareTo(dir.relativize(b).toString())).toList();
      }
      for (Path p : paths) {
        entry(tar, dir, p, links);
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("writing layer from " + dir, e);
    }
  }

  private static void entry(TarArchiveOutputStream tar, Path root, Path p, Map<Object, String> links)
      throws IOException {
    String name = root.relativize(p).toString();
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,ino,dev,nlink,rdev",
        LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    int type = mode & S_IFMT;
    long mtime = ((FileTime) a.get("lastModifiedTime")).toMillis();
    if (type == S_IFCHR && ((Long) a.get("rdev")) == 0) {
      Path parent = Path.of(name).getParent();
      String wh = (parent == null ? "" : parent + "/") + ".wh." + p.getFileName();
      put(tar, new TarArchiveEntry(wh), 0, 0, 0, mtime, null, Map.of());
      return;
    }
    TarArchiveEntry e;
    InputStream body = null;
    if (type == S_IFDIR) {
      e = new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR);
    } else if (type == S_IFLNK) {
      e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(Files.readSymbolicLink(p).toString());
    } else if (type == S_IFREG) {
      Object inode = List.of(a.get("dev"), a.get("ino"));
      String first = ((Integer) a.get("nlink")) > 1 ? links.putIfAbsent(inode, name) : null;
      if (first != null) {
        e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
        e.setLinkName(first); // the attributes belong to the inode, written with its first name
      } else {
        e = new TarArchiveEntry(name);
        e.setSize(Files.size(p));
        body = Files.newInputStream(p);
      }
    } else {
      // devices, fifos and sockets a build step created: kept as they are
      e = new TarArchiveEntry(name, type == S_IFCHR ? TarArchiveEntry.LF_CHR
          : type == 0060000 ? TarArchiveEntry.LF_BLK : TarArchiveEntry.LF_FIFO);
      long rdev = (Long) a.get("rdev");
      e.setDevMajor((int) ((rdev >> 8) & 0xfff));
      e.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & 0xfff00)));
    }
    Map<String, byte[]> xattrs = e.isLink() ? Map.of() : LayerXattrs.of(p);
    put(tar, e, mode, (Integer) a.get("uid"), (Integer) a.get("gid"), mtime, body, xattrs);
    if (type == S_IFDIR && opaque(p)) {
      put(tar, new TarArchiveEntry(name + "/.wh..wh..opq"), 0, 0, 0, mtime, null, Map.of());
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

  private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, int mode, int uid, int gid, long mtime,
      InputStream body, Map<String, byte[]> xattrs) throws IOException {
    e.setMode(mode == 0 ? 0100000 : mode);
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setModTime(mtime);
    if (xattrs.isEmpty()) {
      tar.putArchiveEntry(e);
    } else {
      PaxXattrs.put(tar, e, xattrs);
    }
    if (body != null) {
      try (body) {
        body.transferTo(tar);
      }
    }
    tar.closeArchiveEntry();
  }
}
