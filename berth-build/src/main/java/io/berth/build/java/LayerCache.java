package io.berth.build.java;

import io.berth.oci.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.List;

/**
 * Keeps written layers between builds (in the project's target directory) keyed by what went
 * into them: each file's target path, source path, size and modification time. An unchanged
 * dependency layer is then neither re-read nor re-compressed; only a changed layer is written.
 */
public final class LayerCache {
  private final Path dir;

  public LayerCache(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("creating layer cache " + dir, e);
    }
  }

  /** The cached layer for these entries, writing it when missing or stale. */
  public FileBlob layer(List<LayerEntry> entries) {
    String key = key(entries);
    Path gz = dir.resolve(key + ".tar.gz");
    Path meta = dir.resolve(key + ".digests");
    try {
      if (Files.exists(gz) && Files.exists(meta)) {
        String[] d = Files.readString(meta).strip().split(" ");
        if (d.length == 2) {
          return new FileBlob(gz, Digest.parse(d[0]), Files.size(gz), Digest.parse(d[1]));
        }
      }
      Path tmp = Files.createTempFile(dir, "layer-", ".tmp");
      ReproducibleLayerWriter.Written w = ReproducibleLayerWriter.write(entries, tmp);
      Files.move(tmp, gz, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(meta, w.digest() + " " + w.diffId());
      return new FileBlob(gz, w.digest(), w.size(), w.diffId());
    } catch (IOException e) {
      throw new UncheckedIOException("layer cache " + dir, e);
    }
  }

  static String key(List<LayerEntry> entries) {
    MessageDigest md = Digest.newSha256();
    for (LayerEntry e : entries) {
      md.update(e.target().getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(Integer.toOctalString(e.mode()).getBytes(StandardCharsets.UTF_8));
      if (e.content() != null) {
        md.update(e.content());
      } else {
        try {
          md.update((e.source().toAbsolutePath() + "|" + Files.size(e.source()) + "|"
              + Files.getLastModifiedTime(e.source()).toMillis()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
          throw new UncheckedIOException("reading " + e.source(), ex);
        }
      }
      md.update((byte) '\n');
    }
    return Digest.ofSha256(md).hex();
  }
}
