package io.berth.store.layer;

import io.berth.store.layer.SparseMap.Region;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Reads the sparse maps GNU tar writes ({@code tar -S}) in each of its shapes, as Go's tar reader
 * (Docker's) does:
 * <ul>
 *   <li>old GNU: type {@code S}, up to four regions in the header, more in extension records
 *       that follow it, the real size in the header (base-256 past 8 GiB);</li>
 *   <li>PAX 0.0 ({@code GNU.sparse.offset}/{@code numbytes} pairs) and 0.1 ({@code GNU.sparse.map}),
 *       real size {@code GNU.sparse.size};</li>
 *   <li>PAX 1.0 ({@code GNU.sparse.major=1}, {@code minor=0}): the map as decimal lines at the
 *       start of the entry's data, padded to a block; real size {@code GNU.sparse.realsize}.</li>
 * </ul>
 * Commons Compress reads these itself, but parses PAX sizes as {@code int} (files over 2 GiB fail
 * as corrupt) and the old header's size as octal only (over 8 GiB fails), and fills the holes with
 * zeros; so the reader hides them from it ({@link XattrTarInputStream}) and they are read here.
 */
final class SparseHeaders {
  static final String PAX_PREFIX = "GNU.sparse.";
  private static final int BLOCK = 512;
  private static final int CHKSUM = 148;
  private static final int TYPEFLAG = 156;
  private static final int MAGIC = 257;
  private static final byte[] GNU_MAGIC = "ustar  \0".getBytes(StandardCharsets.US_ASCII);
  private static final int SPARSE = 386;
  private static final int IS_EXTENDED = 482;
  private static final int REAL_SIZE = 483;
  private static final int NUMBER = 12;
  private static final int IN_HEADER = 4;
  private static final int IN_EXTENSION = 21;
  private static final int EXTENSION_IS_EXTENDED = 504;

  /** A sparse map before the stored size is known: the real size and the regions. */
  record Pending(String name, long realSize, List<Region> regions) {}

  /** Reads the next 512-byte record of the archive (an extension record of an old GNU header). */
  interface Records {
    byte[] next() throws IOException;
  }

  private SparseHeaders() {}

  static boolean isOldGnuSparse(byte[] header) {
    return header != null && header.length >= BLOCK && header[TYPEFLAG] == 'S';
  }

  /**
   * The map of an old GNU sparse header and its extension records (read from {@code more}); then
   * turns {@code header} into a plain file's header (type {@code 0}, no sparse fields, checksum
   * recomputed), whose data are the regions' bytes.
   */
  static Pending oldGnu(byte[] header, Records more) throws IOException {
    int nul = 0;
    while (nul < 100 && header[nul] != 0) {
      nul++;
    }
    String name = new String(header, 0, nul, StandardCharsets.UTF_8);
    if (!Arrays.equals(header, MAGIC, MAGIC + GNU_MAGIC.length, GNU_MAGIC, 0, GNU_MAGIC.length)) {
      throw new IOException("entry \"" + name + "\": a sparse (type S) header that is not in GNU format");
    }
    List<Region> regions = new ArrayList<>();
    structs(header, SPARSE, IN_HEADER, regions, name);
    boolean extended = header[IS_EXTENDED] != 0;
    long realSize = number(header, REAL_SIZE, name, "real size");
    while (extended) {
      byte[] ext = more.next();
      if (ext == null) {
        throw new EOFException("sparse entry \"" + name + "\": the archive ends inside its extension headers");
      }
      structs(ext, 0, IN_EXTENSION, regions, name);
      extended = ext[EXTENSION_IS_EXTENDED] != 0;
    }
    header[TYPEFLAG] = '0';
    Arrays.fill(header, SPARSE, REAL_SIZE + NUMBER, (byte) 0);
    Arrays.fill(header, CHKSUM, CHKSUM + 8, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, header, CHKSUM, chk.length);
    return new Pending(null, realSize, regions);
  }

  /** Regions until the first whose offset field is empty, as GNU tar and Go read them. */
  private static void structs(byte[] rec, int at, int count, List<Region> out, String name) throws IOException {
    for (int i = 0; i < count; i++) {
      int off = at + i * 2 * NUMBER;
      if (rec[off] == 0) {
        return;
      }
      out.add(new Region(number(rec, off, name, "region offset"), number(rec, off + NUMBER, name, "region length")));
    }
  }

  private static long number(byte[] rec, int at, String name, String what) throws IOException {
    try {
      long v = TarUtils.parseOctalOrBinary(rec, at, NUMBER);
      if (v >= 0) {
        return v;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IOException("sparse entry \"" + name + "\": malformed " + what + " in its header");
  }

  /**
   * What the GNU.sparse records of a local PAX header (in the archive's order) say, or null when
   * they do not make the entry sparse. For 1.0, {@link Pending#regions} is null: the map is in the
   * entry's data ({@link #map1}).
   */
  static Pending pax(List<String[]> records, String entry) throws IOException {
    Map<String, String> last = new HashMap<>();
    List<Region> pairs = new ArrayList<>();
    Long offset = null;
    for (String[] r : records) {
      String key = r[0].substring(PAX_PREFIX.length());
      last.put(key, r[1]);
      if (key.equals("offset")) {
        offset = decimal(r[1], entry, r[0]);
      } else if (key.equals("numbytes")) {
        if (offset == null) {
          throw new IOException("sparse entry \"" + entry + "\": GNU.sparse.numbytes without an offset before it");
        }
        pairs.add(new Region(offset, decimal(r[1], entry, r[0])));
        offset = null;
      }
    }
    String major = last.get("major");
    String minor = last.get("minor");
    boolean v1 = false;
    if (major != null || minor != null) {
      v1 = "1".equals(major) && "0".equals(minor);
      if (!v1 && !("0".equals(major) && ("0".equals(minor) || "1".equals(minor)))) {
        throw new IOException("sparse entry \"" + entry + "\": unknown GNU sparse format " + major + "." + minor);
      }
    } else if (!last.containsKey("map") && pairs.isEmpty() && !last.containsKey("numblocks")) {
      return null; // no map: not a sparse entry (as in Go's reader)
    }
    String size = last.containsKey("realsize") ? last.get("realsize") : last.get("size");
    if (size == null) {
      throw new IOException("sparse entry \"" + entry + "\": no GNU.sparse.realsize or GNU.sparse.size");
    }
    long realSize = decimal(size, entry, "GNU.sparse size");
    String name = last.get("name");
    if (v1) {
      return new Pending(name, realSize, null);
    }
    List<Region> regions = pairs;
    if (last.containsKey("map")) {
      regions = new ArrayList<>();
      String map = last.get("map");
      String[] n = map.isEmpty() ? new String[0] : map.split(",", -1);
      if (n.length % 2 != 0) {
        throw new IOException("sparse entry \"" + entry + "\": GNU.sparse.map has an odd count of numbers");
      }
      for (int i = 0; i < n.length; i += 2) {
        regions.add(new Region(decimal(n[i], entry, "GNU.sparse.map"), decimal(n[i + 1], entry, "GNU.sparse.map")));
      }
    }
    if (last.containsKey("numblocks") && decimal(last.get("numblocks"), entry, "GNU.sparse.numblocks") != regions.size()) {
      throw new IOException("sparse entry \"" + entry + "\": GNU.sparse.numblocks says " + last.get("numblocks")
          + " regions, the map has " + regions.size());
    }
    return new Pending(name, realSize, regions);
  }

  /** A PAX 1.0 map read from the start of an entry's data, and the bytes it took (whole blocks). */
  record Map1(List<Region> regions, long consumed) {}

  /**
   * Reads the 1.0 map: a count, then offset and length per region, one decimal number a line,
   * padded with NULs to a block boundary; never past {@code size}, the entry's stored size.
   */
  static Map1 map1(InputStream data, long size, String entry) throws IOException {
    List<Long> numbers = new ArrayList<>();
    ByteArrayOutputStream token = new ByteArrayOutputStream();
    long consumed = 0;
    long wanted = -1;
    while (wanted < 0 || numbers.size() < wanted) {
      if (size - consumed < BLOCK) {
        throw new IOException("sparse entry \"" + entry + "\": its map runs past the entry's data");
      }
      byte[] block = data.readNBytes(BLOCK);
      if (block.length < BLOCK) {
        throw new EOFException("sparse entry \"" + entry + "\": the archive ends inside its map");
      }
      consumed += BLOCK;
      for (int i = 0; i < BLOCK && (wanted < 0 || numbers.size() < wanted); i++) {
        byte b = block[i];
        if (b == '\n') {
          numbers.add(decimal(token.toString(StandardCharsets.US_ASCII), entry, "the sparse map"));
          token.reset();
          if (numbers.size() == 1) {
            long count = numbers.getFirst();
            if (count > size / 4) { // every region takes at least "0\n0\n"
              throw new IOException("sparse entry \"" + entry + "\": its map claims " + count + " regions");
            }
            wanted = 1 + 2 * count;
          }
        } else if (b >= '0' && b <= '9' && token.size() < 20) {
          token.write(b);
        } else {
          throw new IOException("sparse entry \"" + entry + "\": malformed sparse map");
        }
      }
    }
    List<Region> regions = new ArrayList<>();
    for (int i = 1; i < numbers.size(); i += 2) {
      regions.add(new Region(numbers.get(i), numbers.get(i + 1)));
    }
    return new Map1(regions, consumed);
  }

  private static long decimal(String s, String entry, String what) throws IOException {
    if (s.matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException tooBig) {
        // reported below
      }
    }
    throw new IOException("sparse entry \"" + entry + "\": malformed number \"" + s + "\" in " + what);
  }
}
