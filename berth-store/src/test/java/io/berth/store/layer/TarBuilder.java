package io.berth.store.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds small tars in memory, including malicious ones, for store tests; same calls, same bytes. */
public final class TarBuilder {
  private static final Date FIXED = new Date(1_700_000_000_000L);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  public TarBuilder() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  public TarBuilder dir(String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    e.setModTime(FIXED);
    e.setMode(040755);
    return entry(e, null);
  }

  public TarBuilder file(String name, String content, int mode) throws IOException {
    return file(name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  public TarBuilder file(String name, byte[] data, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(FIXED);
    e.setSize(data.length);
    e.setMode(0100000 | mode);
    return entry(e, data);
  }

  /** A regular file with owner, time and extended attributes (as PAX {@code SCHILY.xattr.*}). */
  public TarBuilder fileWith(String name, String content, int uid, int gid, Date mtime, String xattr, String value)
      throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    e.setMode(0100644);
    e.setIds(uid, gid);
    e.setModTime(mtime);
    if (xattr != null) {
      e.addPaxHeader("SCHILY.xattr." + xattr, value);
    }
    return entry(e, data);
  }

  /**
   * A regular file (mode 0755, owner {@code uid}) after a PAX header written here byte by byte, so
   * that record values can be any bytes, as Go's and GNU tar's writers make them.
   */
  public TarBuilder fileWithRawPax(String name, String content, int uid, Map<String, byte[]> records)
      throws IOException {
    ByteArrayOutputStream pax = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] rest = (" " + r.getKey() + "=").getBytes(StandardCharsets.UTF_8);
      int body = rest.length + r.getValue().length + 1;
      int len = body + String.valueOf(body).length();
      len = body + String.valueOf(len).length();
      pax.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
      pax.writeBytes(rest);
      pax.writeBytes(r.getValue());
      pax.write('\n');
    }
    TarArchiveEntry h = new TarArchiveEntry("PaxHeaders/" + name, TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
    h.setModTime(FIXED);
    h.setSize(pax.size());
    entry(h, pax.toByteArray());
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(FIXED);
    e.setSize(data.length);
    e.setMode(0100755);
    e.setIds(uid, uid);
    return entry(e, data);
  }

  public TarBuilder symlink(String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    e.setModTime(FIXED);
    e.setLinkName(target);
    return entry(e, null);
  }

  public TarBuilder hardlink(String name, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
    e.setModTime(FIXED);
    e.setLinkName(target);
    return entry(e, null);
  }

  /** A device node or FIFO: {@code type} is {@link TarArchiveEntry#LF_CHR}, LF_BLK or LF_FIFO. */
  public TarBuilder node(String name, byte type, int major, int minor) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setModTime(FIXED);
    e.setMode(0666);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return entry(e, null);
  }

  /** Adds a copy of a file of the host, e.g. {@code /bin/busybox}. */
  public TarBuilder copyOf(String name, Path source, int mode) throws IOException {
    return file(name, Files.readAllBytes(source), mode);
  }

  public TarBuilder entry(TarArchiveEntry e, byte[] data) throws IOException {
    tar.putArchiveEntry(e);
    if (data != null) {
      tar.write(data);
    }
    tar.closeArchiveEntry();
    return this;
  }

  public byte[] build() throws IOException {
    tar.finish();
    return bytes.toByteArray();
  }

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  /** A minimal busybox root filesystem: {@code /bin/busybox}, {@code /bin/sh} linked to it, /etc. */
  public static byte[] busyboxRootfs() throws IOException {
    return new TarBuilder().dir("bin").copyOf("bin/busybox", Path.of("/bin/busybox"), 0755)
        .symlink("bin/sh", "busybox").dir("etc")
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644).dir("tmp").build();
  }
}
