package io.berth.store.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.zip.GZIPOutputStream;

/**
 * Writes layer tars from the format's own pieces, header by header, so that blind choices still
 * make archives the reader gets deep into: ustar and GNU headers, PAX headers with paths and
 * binary xattrs, GNU long names, old GNU and PAX (0.0, 0.1, 1.0) sparse entries, hard links,
 * symlinks that lead out of the root, whiteouts and opaque markers, device nodes; names and link
 * targets come from small pools so entries collide, replace and follow each other. Then a few
 * byte-level mutations (checksums repaired, so they reach past the header check) and a gzip or
 * zstd wrapper. {@code pick.applyAsInt(n)} chooses in {@code [0, n)}; decision 0009's approach.
 */
final class LayerTarGrammar {
  private static final int BLOCK = 512;
  private static final String LONG = "l".repeat(60) + "/" + "o".repeat(60) + "/long-name";
  private static final int[] MODES = {0644, 0755, 04755, 0, 07777, 01777};
  private static final long[] IDS = {0, 1000, 65534, 07777777, 1L << 32, -1};
  private static final long[] TIMES = {1_700_000_000L, 0, -1, 1L << 40};
  private static final int[] SIZES = {0, 1, 100, 511, 512, 513, 4096, 70_000, (1 << 20) + 1};
  private static final char[] TYPES =
      {'0', '\0', '1', '2', '3', '4', '5', '6', '7', 'x', 'g', 'L', 'K', 'S', 'D', 'M', 'V', 'N', 'A', 'Z'};
  private static final String[] XATTRS = {"user.a", "security.capability", "trusted.overlay.opaque",
      "user.overlay.redirect", "system.posix_acl_access", "bogus", "user." + "n".repeat(300), "user.",
      "security.selinux"};

  private final IntUnaryOperator pick;
  private final String outside;
  private final List<byte[]> archives;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private LayerTarGrammar(IntUnaryOperator pick, String outside, List<byte[]> archives) {
    this.pick = n -> n <= 1 ? 0 : Math.floorMod(pick.applyAsInt(n), n);
    this.outside = outside;
    this.archives = archives;
  }

  /**
   * One input: a tar (perhaps compressed) built from the grammar or mutated from one of
   * {@code archives} (real layers); {@code outside} is the absolute path of a directory beside
   * the extraction root that symlink targets aim at.
   */
  static byte[] generate(IntUnaryOperator pick, String outside, List<byte[]> archives) {
    return new LayerTarGrammar(pick, outside, archives).generate();
  }

  private byte[] generate() {
    byte[] tar;
    if (!archives.isEmpty() && pick(4) == 0) {
      tar = archives.get(pick(archives.size())).clone();
    } else {
      int n = 1 + pick(8);
      for (int i = 0; i < n; i++) {
        entry();
      }
      if (pick(6) != 0) {
        out.writeBytes(new byte[2 * BLOCK]);
      }
      tar = out.toByteArray();
    }
    for (int i = pick(4); i > 0; i--) {
      tar = mutate(tar);
    }
    return wrap(tar);
  }

  private int pick(int n) {
    return pick.applyAsInt(n);
  }

  private String name() {
    String[] names = {"a", "b", "d", "d/f", "d/sub", "d/sub/g", "esc", "esc/x", "esc/secret", "abs", "abs/x",
        "up/x", "dlink/f", "flink", "loop/x", "dlink", ".wh.a", "d/.wh.f", "d/.wh..wh..opq", ".wh..wh..opq",
        ".wh..wh.plnk", "d/.wh.sub", ".wh.esc", ".wh.d", ".wh.", "./a", "/a", "a//b", "a/", "../x", "d/../a",
        "x\0y", "", ".", "./", "a\\b", LONG, "c".repeat(300), "é/ü", "esc/../x", "abs/secret", "d/f/x"};
    return names[pick(names.length)];
  }

  private String link() {
    String[] links = {"a", "d", "d/f", "../outside", "../outside/secret", outside, outside + "/secret",
        outside + "/dir", "/", "..", "../../../..", "esc", "esc/secret", "loop", "d/sub", "", ".", "/d/f", "flink",
        LONG, "abs/secret", "dlink/f", "../" + "../".repeat(pick(6)) + "outside"};
    return links[pick(links.length)];
  }

  private void entry() {
    String name = name();
    switch (pick(15)) {
      case 0 -> plain(name, '5', 0, null);
      case 1, 2 -> plain(name, '0', size(), null);
      case 3 -> plain(name, '2', 0, link());
      case 4 -> plain(name, '1', 0, link());
      case 5 -> plain(pick(2) == 0 ? ".wh." + name : name + "/.wh..wh..opq", '0', 0, null);
      case 6 -> plain(name, "346".charAt(pick(3)), 0, null);
      case 7 -> pax(name, TYPES[pick(4)], List.of(xattr(), xattr()));
      case 8 -> pax(pick(2) == 0 ? "short" : name, "025".charAt(pick(3)),
          List.of(record("path", name + (pick(2) == 0 ? "" : "/" + LONG)), record("linkpath", link())));
      case 9 -> gnuLong(name);
      case 10 -> oldGnuSparse(name);
      case 11 -> paxSparse(name);
      case 12 -> raw(name, TYPES[pick(TYPES.length)], size(), link(), pick(2) == 0);
      case 13 -> pax("global", 'g', List.of(record("path", name), xattr()));
      default -> pax(name, '0', List.of(record(pick(2) == 0 ? "size" : "mtime",
          new String[] {"-1", "1.5", "99999999999999999999", "0", "x", "1e3"}[pick(6)])));
    }
  }

  private int size() {
    return SIZES[pick(SIZES.length)];
  }

  private void plain(String name, char type, int size, String link) {
    raw(name, type, size, link, false);
  }

  /** A header and {@code size} data bytes; {@code gnu}: GNU magic ({@code "ustar  \0"}). */
  private void raw(String name, char type, long size, String link, boolean gnu) {
    byte[] h = header(name, type, size, link, gnu);
    out.writeBytes(h);
    data(type == '0' || type == '\0' || type == '7' || type == 'x' || type == 'g' ? size : pick(2) * size);
  }

  private void data(long size) {
    byte[] d = new byte[(int) size];
    Arrays.fill(d, (byte) ('a' + pick(26)));
    pad(d);
  }

  private void pad(byte[] d) {
    out.writeBytes(d);
    out.writeBytes(new byte[(BLOCK - d.length % BLOCK) % BLOCK]);
  }

  private byte[] header(String name, char type, long size, String link, boolean gnu) {
    byte[] h = new byte[BLOCK];
    text(h, 0, 100, name);
    number(h, 100, 8, MODES[pick(MODES.length)]);
    number(h, 108, 8, IDS[pick(IDS.length)]);
    number(h, 116, 8, IDS[pick(IDS.length)]);
    number(h, 124, 12, size);
    number(h, 136, 12, TIMES[pick(TIMES.length)]);
    h[156] = (byte) type;
    text(h, 157, 100, link == null ? "" : link);
    text(h, 257, 8, gnu ? "ustar  \0" : "ustar\0" + "00");
    text(h, 265, 32, "root");
    text(h, 297, 32, "root");
    number(h, 329, 8, pick(3) * 7);
    number(h, 337, 8, pick(3) * 300);
    if (!gnu && name.length() > 100 && pick(2) == 0) { // ustar's prefix field
      int cut = name.lastIndexOf('/', 154);
      if (cut > 0) {
        text(h, 345, 155, name.substring(0, cut));
        text(h, 0, 100, name.substring(cut + 1));
      }
    }
    checksum(h);
    return h;
  }

  private byte[] record(String key, String value) {
    return record(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] record(String key, byte[] value) {
    byte[] rest = (" " + key + "=").getBytes(StandardCharsets.UTF_8);
    int body = rest.length + value.length + 1;
    int len = body + String.valueOf(body).length();
    len = body + String.valueOf(len).length();
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(rest);
    r.writeBytes(value);
    r.write('\n');
    return r.toByteArray();
  }

  private byte[] xattr() {
    byte[][] values = {{}, {1, 2, (byte) 0xff}, {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        "y".getBytes(StandardCharsets.US_ASCII), new byte[70_000]};
    return record("SCHILY.xattr." + XATTRS[pick(XATTRS.length)], values[pick(values.length)]);
  }

  /** A PAX header carrying {@code records}, then the entry it describes. */
  private void pax(String name, char type, List<byte[]> records) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    records.forEach(data::writeBytes);
    if (pick(5) == 0) {
      data.writeBytes("7 x=\n".getBytes(StandardCharsets.US_ASCII)); // a record shorter than it says
    }
    byte[] d = data.toByteArray();
    out.writeBytes(header("PaxHeaders/" + (name.length() > 40 ? "n" : name), type == 'g' ? 'g' : 'x', d.length,
        null, false));
    pad(d);
    if (type != 'g') {
      plain(name, type, type == '0' ? size() : 0, type == '1' || type == '2' ? link() : null);
    }
  }

  /** A GNU long name ({@code L}) or long link ({@code K}) record before the entry. */
  private void gnuLong(String name) {
    boolean linkName = pick(2) == 0;
    String value = (linkName ? link() : name) + (pick(2) == 0 ? "/" + LONG : "");
    byte[] d = (value + "\0").getBytes(StandardCharsets.UTF_8);
    out.writeBytes(header("././@LongLink", linkName ? 'K' : 'L', d.length, null, true));
    pad(d);
    char type = linkName ? "12".charAt(pick(2)) : "05".charAt(pick(2));
    raw("truncated", type, type == '0' ? size() : 0, linkName ? "trunc" : null, true);
  }

  /** Regions as offset and length pairs, mostly in order with holes, sometimes not. */
  private long[] regions() {
    int n = pick(7);
    long[] r = new long[2 * n];
    long at = pick(3) * 4096L;
    for (int i = 0; i < n; i++) {
      r[2 * i] = pick(8) == 0 ? at - 10 : at;
      r[2 * i + 1] = new long[] {0, 1, 100, 512, 600}[pick(5)];
      at = r[2 * i] + r[2 * i + 1] + pick(3) * 8192L;
    }
    return r;
  }

  private long realSize(long[] regions) {
    long end = regions.length == 0 ? 0 : regions[regions.length - 2] + regions[regions.length - 1];
    return new long[] {end, end + 4096, Math.max(0, end - 1), 1L << 40, 0}[pick(5)];
  }

  private static long stored(long[] regions) {
    long s = 0;
    for (int i = 1; i < regions.length; i += 2) {
      s += regions[i];
    }
    return s;
  }

  /** An old GNU sparse header ({@code S}): four regions in the header, more in extension records. */
  private void oldGnuSparse(String name) {
    long[] r = regions();
    long stored = stored(r) + (pick(6) == 0 ? 1 : 0);
    byte[] h = header(name, 'S', stored, null, pick(6) != 0);
    for (int i = 0; i < Math.min(4, r.length / 2); i++) {
      number(h, 386 + 24 * i, 12, r[2 * i]);
      number(h, 386 + 24 * i + 12, 12, r[2 * i + 1]);
    }
    h[482] = (byte) (r.length > 8 ? 1 : 0);
    number(h, 483, 12, realSize(r));
    checksum(h);
    out.writeBytes(h);
    if (r.length > 8) {
      byte[] ext = new byte[BLOCK];
      for (int i = 4; i < r.length / 2; i++) {
        number(ext, 24 * (i - 4), 12, r[2 * i]);
        number(ext, 24 * (i - 4) + 12, 12, r[2 * i + 1]);
      }
      ext[504] = (byte) pick(2);
      out.writeBytes(ext);
    }
    data(stored);
  }

  /** A PAX sparse entry in format 0.0 (pairs), 0.1 (map) or 1.0 (the map in the data). */
  private void paxSparse(String name) {
    long[] r = regions();
    long real = realSize(r);
    List<byte[]> records = new ArrayList<>();
    int version = pick(3);
    StringBuilder map = new StringBuilder();
    if (version == 2) {
      records.add(record("GNU.sparse.major", "1"));
      records.add(record("GNU.sparse.minor", pick(5) == 0 ? "1" : "0"));
      records.add(record("GNU.sparse.name", name));
      records.add(record("GNU.sparse.realsize", String.valueOf(real)));
      map.append(r.length / 2).append('\n');
      for (long v : r) {
        map.append(v).append('\n');
      }
    } else {
      records.add(record("GNU.sparse.size", String.valueOf(real)));
      records.add(record("GNU.sparse.numblocks", String.valueOf(r.length / 2 + (pick(6) == 0 ? 1 : 0))));
      if (version == 0) {
        for (int i = 0; i < r.length; i += 2) {
          records.add(record("GNU.sparse.offset", String.valueOf(r[i])));
          records.add(record("GNU.sparse.numbytes", String.valueOf(r[i + 1])));
        }
      } else {
        StringBuilder m = new StringBuilder();
        for (long v : r) {
          m.append(m.isEmpty() ? "" : ",").append(v);
        }
        records.add(record("GNU.sparse.map", m.toString()));
      }
    }
    if (pick(3) == 0) {
      records.add(xattr());
    }
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    records.forEach(d::writeBytes);
    byte[] paxData = d.toByteArray();
    out.writeBytes(header("PaxHeaders/sparse", 'x', paxData.length, null, false));
    pad(paxData);
    byte[] mapBytes = map.toString().getBytes(StandardCharsets.US_ASCII);
    long mapBlock = version == 2 ? (mapBytes.length + BLOCK - 1) / BLOCK * BLOCK : 0;
    long stored = stored(r);
    out.writeBytes(header(version == 2 ? "GNUSparseFile.0/" + name : name, '0', mapBlock + stored, null, false));
    if (version == 2) {
      pad(mapBytes);
    }
    data(stored);
  }

  /** 1 to 3 of: a byte changed, a header field rewritten, the archive cut, a block doubled or dropped. */
  private byte[] mutate(byte[] tar) {
    if (tar.length == 0) {
      return tar;
    }
    byte[] t = tar.clone();
    int at = pick(t.length);
    switch (pick(5)) {
      case 0 -> {
        t[at] = (byte) pick(256);
        if (pick(2) == 0) {
          checksum(t, at / BLOCK * BLOCK);
        }
      }
      case 1 -> {
        List<Integer> headers = headers(t);
        if (!headers.isEmpty()) {
          int h = headers.get(pick(headers.size()));
          field(t, h);
          checksum(t, h);
        }
      }
      case 2 -> t = Arrays.copyOf(t, at);
      case 3 -> {
        int from = at / BLOCK * BLOCK;
        int len = Math.min(BLOCK, t.length - from);
        byte[] grown = new byte[t.length + len];
        System.arraycopy(t, 0, grown, 0, from + len);
        System.arraycopy(t, from, grown, from + len, t.length - from);
        t = grown;
      }
      default -> {
        int from = at / BLOCK * BLOCK;
        int len = Math.min(BLOCK, t.length - from);
        byte[] shrunk = new byte[t.length - len];
        System.arraycopy(t, 0, shrunk, 0, from);
        System.arraycopy(t, from + len, shrunk, from, t.length - from - len);
        t = shrunk;
      }
    }
    return t;
  }

  /** Blocks that look like headers: the ustar magic in place. */
  private static List<Integer> headers(byte[] t) {
    List<Integer> out = new ArrayList<>();
    for (int h = 0; h + BLOCK <= t.length; h += BLOCK) {
      if (t[h + 257] == 'u' && t[h + 258] == 's' && t[h + 259] == 't') {
        out.add(h);
      }
    }
    return out;
  }

  private void field(byte[] t, int h) {
    switch (pick(7)) {
      case 0 -> t[h + 156] = (byte) TYPES[pick(TYPES.length)];
      case 1 -> number(t, h + 124, 12, new long[] {0, 1, 511, 512, 1L << 31, 1L << 33, -1, 8L << 30}[pick(8)]);
      case 2 -> text(t, h, 100, name());
      case 3 -> text(t, h + 157, 100, link());
      case 4 -> number(t, h + 100, 8, MODES[pick(MODES.length)]);
      case 5 -> number(t, h + 108 + 8 * pick(2), 8, IDS[pick(IDS.length)]);
      default -> text(t, h + 124, 12, new String[] {"", "zzzzzzzzzzz", " 7 ", "\u0080\0\0\0\0\0\0\0\0\0\0\1",
          "77777777777"}[pick(5)]);
    }
  }

  private byte[] wrap(byte[] tar) {
    try {
      return switch (pick(8)) {
        case 0 -> gzip(tar);
        case 1 -> zstd(tar);
        case 2 -> {
          byte[] gz = gzip(tar);
          yield Arrays.copyOf(gz, pick(gz.length)); // cut inside the compressed stream
        }
        default -> tar;
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(o)) {
      gz.write(data);
    }
    return o.toByteArray();
  }

  private static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    try (com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(o)) {
      z.write(data);
    }
    return o.toByteArray();
  }

  private static void text(byte[] h, int at, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    Arrays.fill(h, at, at + len, (byte) 0);
    System.arraycopy(b, 0, h, at, Math.min(len, b.length));
  }

  /** Octal with a NUL when it fits, else base-256 as GNU tar and Go write big or negative numbers. */
  private static void number(byte[] h, int at, int len, long v) {
    String octal = Long.toOctalString(v);
    if (v >= 0 && octal.length() < len) {
      text(h, at, len, "0".repeat(len - 1 - octal.length()) + octal);
      return;
    }
    for (int i = len - 1; i > 0; i--) {
      h[at + i] = (byte) v;
      v >>= 8;
    }
    h[at] = (byte) (v < 0 ? 0xff : 0x80);
  }

  private static void checksum(byte[] h) {
    checksum(h, 0);
  }

  private static void checksum(byte[] t, int h) {
    if (h + BLOCK > t.length) {
      return;
    }
    Arrays.fill(t, h + 148, h + 156, (byte) ' ');
    long sum = 0;
    for (int i = h; i < h + BLOCK; i++) {
      sum += t[i] & 0xff;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, t, h + 148, chk.length);
  }
}
