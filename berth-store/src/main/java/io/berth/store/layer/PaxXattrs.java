package io.berth.store.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Extended attributes in a layer tar, in the form Docker, containerd and GNU tar write and read:
 * PAX records {@code SCHILY.xattr.<name>=<value>} whose values are raw bytes (a file capability is
 * a little-endian struct, rarely valid UTF-8). Commons Compress holds PAX values as UTF-8 strings,
 * which mangles such bytes both ways, so these records are encoded and parsed here as bytes.
 */
final class PaxXattrs {
  static final String PREFIX = "SCHILY.xattr.";
  private static final int NAME_FIELD = 100;

  private PaxXattrs() {}

  /**
   * The xattr records in PAX extended-header data, attribute name to value. A later record of a
   * name wins, as in Go's tar reader; parsing stops at the first malformed record.
   */
  static Map<String, byte[]> parse(byte[] data, int length) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    PaxRecords.walk(data, length, (key, start, end, valueStart, valueEnd) -> {
      if (key.startsWith(PREFIX) && key.length() > PREFIX.length()) {
        byte[] value = new byte[valueEnd - valueStart];
        System.arraycopy(data, valueStart, value, 0, value.length);
        out.put(key.substring(PREFIX.length()), value);
      }
    });
    return out;
  }

  /** PAX extended-header data for {@code records} (keys and raw values), in the map's order. */
  static byte[] encode(Map<String, byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      int body = 1 + key.length + 1 + r.getValue().length + 1; // " key=value\n"
      int len = body + 1;
      while (len != body + String.valueOf(len).length()) {
        len = body + String.valueOf(len).length();
      }
      out.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(key);
      out.write('=');
      out.writeBytes(r.getValue());
      out.write('\n');
    }
    return out.toByteArray();
  }

  /**
   * Writes {@code e} preceded by a single PAX header that carries its {@code xattrs} and whatever
   * else the entry needs there (a long name or link, sub-second mtime). One header, because Go's
   * reader (Docker's, containerd's) keeps only the last of consecutive PAX headers; so Commons
   * Compress must write none of its own for this entry: names are truncated in the ustar fields
   * and big numbers go base-256 there. The stream is left in POSIX long-name and big-number mode,
   * the mode of Berth's layer writers.
   */
  static void put(TarArchiveOutputStream tar, TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException {
    Map<String, byte[]> records = new LinkedHashMap<>();
    if (utf8Length(e.getName()) >= NAME_FIELD) {
      records.put("path", e.getName().getBytes(StandardCharsets.UTF_8));
    }
    if (utf8Length(e.getLinkName()) >= NAME_FIELD) {
      records.put("linkpath", e.getLinkName().getBytes(StandardCharsets.UTF_8));
    }
    long ms = e.getModTime().getTime();
    if (ms % 1000 != 0) {
      records.put("mtime", mtime(ms).getBytes(StandardCharsets.US_ASCII));
    }
    new TreeMap<>(xattrs).forEach((name, value) -> records.put(PREFIX + name, value));
    byte[] data = encode(records);
    TarArchiveEntry pax = new TarArchiveEntry(paxName(e.getName()), TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
    pax.setSize(data.length);
    pax.setMode(0100644);
    pax.setIds(0, 0);
    pax.setModTime(Math.max(0, Math.floorDiv(ms, 1000)) * 1000);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
    try {
      tar.putArchiveEntry(pax);
      tar.write(data);
      tar.closeArchiveEntry();
      tar.putArchiveEntry(e);
    } finally {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }
  }

  /** PAX time: seconds and a fraction, the sign in front of both, as Go and GNU tar read it. */
  private static String mtime(long ms) {
    long abs = Math.abs(ms);
    return (ms < 0 ? "-" : "") + abs / 1000 + "." + String.format("%03d", abs % 1000);
  }

  /** A short ASCII name for the header entry, which readers never extract. */
  private static String paxName(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    String base = trimmed.substring(trimmed.lastIndexOf('/') + 1).replaceAll("[^\\x20-\\x7e]", "_");
    String n = "PaxHeaders.0/" + base;
    return n.length() < NAME_FIELD ? n : n.substring(0, NAME_FIELD - 1);
  }

  private static int utf8Length(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }
}
