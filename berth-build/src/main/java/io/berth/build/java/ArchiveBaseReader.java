package io.berth.build.java;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a base image from a docker-archive ({@code docker save} output, from a file or streamed
 * from a daemon's {@code /images/{name}/get}). Uncompressed layers are gzip-compressed here,
 * deterministically, so the same base always yields the same blob digests; every layer is checked
 * against the config's diff ids.
 */
public final class ArchiveBaseReader {
  private ArchiveBaseReader() {}

  public static BaseImage read(String name, InputStream archive, Path cacheDir) {
    try {
      Files.createDirectories(cacheDir);
      Path dir = Files.createTempDirectory(cacheDir, "archive-");
      Map<String, Path> files = new HashMap<>();
      try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
        int n = 0;
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          if (!e.isFile()) {
            continue;
          }
          Path f = dir.resolve("entry-" + n++); // never a name from the archive: no path escapes
          Files.copy(tar, f);
          files.put(clean(e.getName()), f);
        }
      }
      Path manifestFile = files.get("manifest.json");
      if (manifestFile == null) {
        throw new InvalidArgumentException(name + " is not a docker-archive: manifest.json is missing");
      }
      JsonNode manifest = Json.read(Files.readAllBytes(manifestFile), JsonNode.class, "manifest.json of " + name);
      if (!manifest.isArray() || manifest.isEmpty()) {
        throw new InvalidArgumentException("manifest.json of " + name + " lists no image");
      }
      JsonNode first = manifest.get(0);
      Path configFile = required(files, first.path("Config").asText(), name);
      byte[] configBytes = Files.readAllBytes(configFile);
      ImageConfig config = Json.read(configBytes, ImageConfig.class, "config of " + name);
      List<String> diffIds = config.rootfs() == null || config.rootfs().diffIds() == null ? List.of()
          : config.rootfs().diffIds();
      JsonNode layers = first.path("Layers");
      if (layers.size() != diffIds.size()) {
        throw new InvalidArgumentException(name + ": " + layers.size() + " layers but " + diffIds.size() + " diff ids");
      }
      List<BlobSource> out = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        Path layer = required(files, layers.get(i).asText(), name);
        FileBlob blob = gzipped(layer, cacheDir);
        if (!blob.diffId().toString().equals(diffIds.get(i))) {
          throw new InvalidArgumentException(name + ": layer " + layers.get(i).asText() + " has diff id "
              + blob.diffId() + " but the config says " + diffIds.get(i));
        }
        out.add(blob);
      }
      deleteTree(dir);
      return new BaseImage(name, config, out);
    } catch (IOException e) {
      throw new UncheckedIOException("reading base image archive " + name, e);
    }
  }

  /** The layer as a gzip blob in the cache, with both digests. */
  private static FileBlob gzipped(Path layer, Path cacheDir) throws IOException {
    boolean gzip;
    try (InputStream in = Files.newInputStream(layer)) {
      byte[] magic = in.readNBytes(2);
      gzip = magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    }
    MessageDigest diff = Digest.newSha256();
    if (gzip) {
      MessageDigest comp = Digest.newSha256();
      try (InputStream in = new DigestInputStream(new GZIPInputStream(
          new DigestInputStream(Files.newInputStream(layer), comp), 65536), diff)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      Digest digest = Digest.ofSha256(comp);
      Path target = cacheDir.resolve(digest.hex());
      Files.move(layer, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return new FileBlob(target, digest, Files.size(target), Digest.ofSha256(diff));
    }
    try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(layer), 65536), diff)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    Digest diffId = Digest.ofSha256(diff);
    // the same base comes back on every build: compress each distinct layer once
    Path known = cacheDir.resolve("diff-" + diffId.hex());
    if (Files.exists(known)) {
      Digest digest = Digest.parse(Files.readString(known).strip());
      Path target = cacheDir.resolve(digest.hex());
      if (Files.exists(target)) {
        Files.delete(layer);
        return new FileBlob(target, digest, Files.size(target), diffId);
      }
    }
    MessageDigest comp = Digest.newSha256();
    Path tmp = Files.createTempFile(cacheDir, "gz-", ".tmp");
    try (InputStream in = new BufferedInputStream(Files.newInputStream(layer), 65536);
        OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(tmp), comp), 65536)) {
      in.transferTo(out);
    }
    Digest digest = Digest.ofSha256(comp);
    Path target = cacheDir.resolve(digest.hex());
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(known, digest.toString());
    Files.delete(layer);
    return new FileBlob(target, digest, Files.size(target), diffId);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Path required(Map<String, Path> files, String entry, String name) {
    Path p = files.get(clean(entry));
    if (p == null) {
      throw new InvalidArgumentException(name + ": manifest.json names " + entry + ", which the archive lacks");
    }
    return p;
  }

  private static String clean(String name) {
    return name.startsWith("./") ? name.substring(2) : name;
  }
}
