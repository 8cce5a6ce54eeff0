package io.berth.store.layer;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes file system objects into a tar as Docker's archiver does: numeric owners (no user or
 * group names, so an extracting {@code tar} cannot map them to the host's), permission and
 * set-id bits, times, symlink targets, device numbers, directories named with a trailing slash,
 * and a file seen again through another hard link as a link entry to the first name; file
 * capabilities and {@code user.*} attributes as PAX {@code SCHILY.xattr.*} records. Sockets
 * cannot be archived and are skipped. Layers ({@link LayerDiffWriter}), {@code docker export}
 * and {@code docker cp} all write through this one class.
 */
public final class TarEntryWriter implements Closeable {
  static final String ATTRS = "unix:mode,uid,gid,lastModifiedTime,ino,dev,nlink,rdev,size";
  static final int S_IFMT = 0170000;
  static final int S_IFCHR = 0020000;
  static final int S_IFBLK = 0060000;
  static final int S_IFDIR = 0040000;
  static final int S_IFLNK = 0120000;
  static final int S_IFREG = 0100000;
  static final int S_IFSOCK = 0140000;
  private final TarArchiveOutputStream tar;
  private final Map<Object, String> links = new HashMap<>();

  public TarEntryWriter(OutputStream out) {
    tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  /**
   * Adds {@code file} (a symlink is stored as one, never followed) under {@code name}; a
   * directory's name gets its trailing slash here. Returns false for a socket, which is skipped.
   */
  public boolean add(Path file, String name) throws IOException {
    return add(file, name, Files.readAttributes(file, ATTRS, LinkOption.NOFOLLOW_LINKS));
  }

  boolean add(Path file, String name, Map<String, Object> a) throws IOException {
    int mode = (Integer) a.get("mode");
    int type = mode & S_IFMT;
    TarArchiveEntry e;
    InputStream body = null;
    if (type == S_IFDIR) {
      e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarArchiveEntry.LF_DIR, true);
    } else if (type == S_IFLNK) {
      e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
      e.setLinkName(Files.readSymbolicLink(file).toString());
    } else if (type == S_IFREG) {
      Object inode = List.of(a.get("dev"), a.get("ino"));
      String first = ((Integer) a.get("nlink")) > 1 ? links.putIfAbsent(inode, name) : null;
      if (first != null) {
        e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
        e.setLinkName(first);
      } else {
        e = new TarArchiveEntry(name, true);
        e.setSize((Long) a.get("size"));
        body = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
      }
    } else if (type == S_IFSOCK) {
      return false;
    } else {
      e = new TarArchiveEntry(name, type == S_IFCHR ? TarArchiveEntry.LF_CHR
          : type == S_IFBLK ? TarArchiveEntry.LF_BLK : TarArchiveEntry.LF_FIFO, true);
      long rdev = (Long) a.get("rdev");
      e.setDevMajor((int) ((rdev >> 8) & 0xfff));
      e.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & 0xfff00)));
    }
    // the attributes belong to the inode: a hard link's entry does not repeat them
    Map<String, byte[]> xattrs = e.isLink() ? Map.of() : LayerXattrs.of(file);
    put(e, mode, (Integer) a.get("uid"), (Integer) a.get("gid"),
        ((FileTime) a.get("lastModifiedTime")).toMillis(), body, xattrs);
    return true;
  }

  /** An empty regular file entry, owned by root (an OCI whiteout marker). */
  void marker(String name, long mtime) throws IOException {
    put(new TarArchiveEntry(name, true), 0, 0, 0, mtime, null, Map.of());
  }

  private void put(TarArchiveEntry e, int mode, int uid, int gid, long mtime, InputStream body,
      Map<String, byte[]> xattrs) throws IOException {
    e.setMode(mode == 0 ? S_IFREG : mode);
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(mtime);
    if (xattrs.isEmpty()) {
      tar.putArchiveEntry(e);
    } else {
      PaxXattrs.put(tar, e, xattrs); // one PAX header for everything: Go's reader keeps only the last
    }
    if (body != null) {
      try (body) {
        copyExactly(body, e.getSize());
      }
    }
    tar.closeArchiveEntry();
  }

  /**
   * Copies the size the header announced: a file a running container is still writing may have
   * grown or shrunk since it was stat'ed, and the tar must stay well-formed either way.
   */
  private void copyExactly(InputStream in, long size) throws IOException {
    byte[] buf = new byte[65536];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        java.util.Arrays.fill(buf, (byte) 0);
        while (left > 0) {
          int z = (int) Math.min(buf.length, left);
          tar.write(buf, 0, z);
          left -= z;
        }
        return;
      }
      tar.write(buf, 0, n);
      left -= n;
    }
  }

  /** Writes the end-of-archive blocks; the underlying stream stays open. */
  public void finish() throws IOException {
    tar.finish();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
