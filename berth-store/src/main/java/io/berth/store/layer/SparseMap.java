package io.berth.store.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the data of a sparse tar entry lies in the file it stands for: the file's real size and
 * the regions that hold data, in order; everything else is a hole. The archive stores only the
 * regions' bytes, one after another. Unpacking seeks over the holes instead of writing zeros, so
 * a small layer cannot fill a disk with the zeros of a file that claims to be terabytes long,
 * and the file keeps its holes where the file system has them (as Docker's Go tar reader does).
 */
record SparseMap(long realSize, List<Region> regions) {
  /** {@code length} bytes of data at {@code offset} of the file. */
  record Region(long offset, long length) {}

  /**
   * A checked map for {@code entry}: regions in order, not overlapping, inside the real size, and
   * together exactly the {@code stored} data bytes the archive holds for the entry.
   */
  static SparseMap of(String entry, long realSize, List<Region> regions, long stored) throws IOException {
    if (realSize < 0) {
      throw new IOException("sparse entry \"" + entry + "\": negative real size " + realSize);
    }
    long end = 0;
    long data = 0;
    for (int i = 0; i < regions.size(); i++) {
      Region r = regions.get(i);
      String wrong = r.offset() < 0 || r.length() < 0 ? "is negative"
          : r.offset() < end ? "overlaps or precedes the one before it"
          : r.offset() > realSize || r.length() > realSize - r.offset() ? "ends past the file's size " + realSize
          : null;
      if (wrong != null) {
        throw new IOException("sparse entry \"" + entry + "\": region " + (i + 1) + " (offset " + r.offset()
            + ", length " + r.length() + ") " + wrong);
      }
      end = r.offset() + r.length();
      data += r.length();
    }
    if (data != stored) {
      throw new IOException("sparse entry \"" + entry + "\": its map names " + data + " bytes of data, the archive holds "
          + stored);
    }
    return new SparseMap(realSize, List.copyOf(regions));
  }

  /**
   * Creates {@code target} (which must not exist) at the real size, holes and all, and writes each
   * region's bytes from {@code data} at its offset.
   */
  void unpack(InputStream data, Path target, String entry) throws IOException {
    Files.createFile(target); // O_EXCL: never through something already at the name
    try (RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
      file.setLength(realSize); // ftruncate: a hole the whole length, where the file system allows
      FileChannel ch = file.getChannel();
      byte[] buf = new byte[64 * 1024];
      for (Region r : regions) {
        long at = r.offset();
        long left = r.length();
        while (left > 0) {
          int n = data.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new EOFException("sparse entry \"" + entry + "\": the archive ends inside its data");
          }
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          while (b.hasRemaining()) {
            at += ch.write(b, at);
          }
          left -= n;
        }
      }
    }
  }
}
