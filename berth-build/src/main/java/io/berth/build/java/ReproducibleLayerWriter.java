package io.berth.build.java;

import io.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a layer so that the same entries always give the same bytes, like Jib: entries sorted
 * by path, every parent directory present, owner root:root, modification time fixed at one second
 * after the epoch, no user or group names, and a gzip header without a timestamp. The diff id
 * (uncompressed digest) and the compressed digest are computed while writing.
 */
public final class ReproducibleLayerWriter {
  /** Jib's choice: 1970-01-01T00:00:01Z, because some tools treat a zero mtime as "unset". */
  public static final Instant FIXED_MTIME = Instant.ofEpochSecond(1);

  private ReproducibleLayerWriter() {}

  /** A written layer: the compressed file and both digests. */
  public record Written(Path gzip, Digest diffId, Digest digest, long size) {}

  /** Writes {@code entries} as a gzip-compressed tar at {@code gzip}. */
  public static Written write(List<LayerEntry> entries, Path gzip) {
    List<LayerEntry> sorted = entries.stream().sorted(Comparator.comparing(LayerEntry::target)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).target().equals(sorted.get(i - 1).target())) {
        throw new IllegalArgumentException("two files would land at " + sorted.get(i).target());
      }
    }
    MessageDigest compressed = Digest.newSha256();
    MessageDigest uncompressed = Digest.newSha256();
    try (OutputStream file = Files.newOutputStream(gzip);
        DigestOutputStream gzDigest = new DigestOutputStream(file, compressed);
        GZIPOutputStream gz = new GZIPOutputStream(gzDigest, 64 * 1024);
        DigestOutputStream tarDigest = new DigestOutputStream(gz, uncompressed);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(tarDigest)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TreeSet<String> dirs = new TreeSet<>();
      for (LayerEntry e : sorted) {
        for (String parent : parents(e.target())) {
          if (dirs.add(parent)) {
            TarArchiveEntry d = new TarArchiveEntry(parent.substring(1) + "/", TarArchiveEntry.LF_DIR);
            fix(d, 0755);
            tar.putArchiveEntry(d);
            tar.closeArchiveEntry();
          }
        }
        TarArchiveEntry t = new TarArchiveEntry(e.target().substring(1));
        fix(t, e.mode());
        t.setSize(e.content() != null ? e.content().length : Files.size(e.source()));
        tar.putArchiveEntry(t);
        if (e.content() != null) {
          tar.write(e.content());
        } else {
          try (InputStream in = Files.newInputStream(e.source())) {
            in.transferTo(tar);
          }
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("writing layer " + gzip, e);
    }
    try {
      return new Written(gzip, Digest.ofSha256(uncompressed), Digest.ofSha256(compressed), Files.size(gzip));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void fix(TarArchiveEntry e, int mode) {
    e.setMode(mode | (e.isDirectory() ? 040000 : 0100000));
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(FIXED_MTIME.toEpochMilli());
  }

  /** {@code /a}, {@code /a/b} for {@code /a/b/c}. */
  private static List<String> parents(String path) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    int i = path.indexOf('/', 1);
    while (i > 0) {
      out.add(path.substring(0, i));
      i = path.indexOf('/', i + 1);
    }
    return out;
  }
}
