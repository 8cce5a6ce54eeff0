package io.berth.build.java;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a built image as a docker-archive ({@code docker save} format: manifest.json, the config
 * and the layers as gzip tars), which {@code docker load} and berthd's {@code /images/load}
 * accept. Used by the plugin's {@code tar} goal and, streamed, by its {@code load} goal.
 */
public final class DockerArchiveWriter {
  private DockerArchiveWriter() {}

  public static void write(BuiltImage image, List<String> tags, OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    String configName = image.configDigest().hex() + ".json";
    put(tar, configName, image.config());
    ObjectNode entry = Json.MAPPER.createObjectNode();
    entry.put("Config", configName);
    ArrayNode repoTags = entry.putArray("RepoTags");
    tags.forEach(repoTags::add);
    ArrayNode layers = entry.putArray("Layers");
    for (BlobSource l : image.layers()) {
      String name = l.digest().hex() + ".tar.gz";
      layers.add(name);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(l.size());
      e.setModTime(ReproducibleLayerWriter.FIXED_MTIME.toEpochMilli());
      tar.putArchiveEntry(e);
      try (InputStream in = l.open()) {
        long n = in.transferTo(tar);
        if (n != l.size()) {
          throw new IOException("layer " + l.digest() + " has " + n + " bytes, expected " + l.size());
        }
      }
      tar.closeArchiveEntry();
    }
    ArrayNode manifest = Json.MAPPER.createArrayNode();
    manifest.add(entry);
    put(tar, "manifest.json", Json.bytes(manifest));
    tar.finish();
    tar.flush();
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setModTime(ReproducibleLayerWriter.FIXED_MTIME.toEpochMilli());
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
