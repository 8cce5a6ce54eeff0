package io.berth.store.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import io.berth.oci.Reference;
import io.berth.store.content.ContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes images as Docker 25+ does: a docker-archive ({@code manifest.json}, {@code
 * repositories}) whose files are laid out as an OCI image layout ({@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/...}), so both {@code docker load} and OCI tools read it.
 * Entries carry fixed times and ownership, so the same images give the same bytes.
 */
final class ArchiveWriter {
  private static final Date EPOCH = new Date(0);

  /** One image to write with the tags to record for it. */
  record Item(Image image, List<String> tags) {}

  static void write(List<Item> items, ContentStore content, OutputStream out) {
    try {
      TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      Set<Digest> written = new LinkedHashSet<>();
      dir(tar, "blobs/");
      dir(tar, "blobs/sha256/");
      ArrayNode manifest = Json.MAPPER.createArrayNode();
      ObjectNode index = Json.MAPPER.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      ArrayNode manifests = index.putArray("manifests");
      ObjectNode repositories = Json.MAPPER.createObjectNode();
      for (Item item : items) {
        Image img = item.image();
        blob(tar, content, img.id(), written);
        for (Digest l : img.layers()) {
          blob(tar, content, l, written);
        }
        blob(tar, content, img.manifestDigest(), written);
        ObjectNode m = manifest.addObject();
        m.put("Config", "blobs/sha256/" + img.id().hex());
        ArrayNode tags = m.putArray("RepoTags");
        item.tags().forEach(tags::add);
        ArrayNode layers = m.putArray("Layers");
        img.layers().forEach(l -> layers.add("blobs/sha256/" + l.hex()));
        if (item.tags().isEmpty()) {
          manifests.addObject().put("mediaType", MediaTypes.OCI_MANIFEST)
              .put("digest", img.manifestDigest().toString()).put("size", content.size(img.manifestDigest()));
        }
        for (String t : item.tags()) {
          Reference r = Reference.parse(t);
          ObjectNode d = manifests.addObject();
          d.put("mediaType", MediaTypes.OCI_MANIFEST);
          d.put("digest", img.manifestDigest().toString());
          d.put("size", content.size(img.manifestDigest()));
          d.putObject("annotations").put("io.containerd.image.name", r.toString())
              .put("org.opencontainers.image.ref.name", r.tag());
          if (!img.layers().isEmpty()) {
            ObjectNode repo = repositories.has(r.repository()) ? (ObjectNode) repositories.get(r.repository())
                : repositories.putObject(r.repository());
            repo.put(r.tag(), img.layers().getLast().hex());
          }
        }
      }
      file(tar, "index.json", Json.bytes(index));
      file(tar, "manifest.json", Json.bytes(manifest));
      file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      if (!repositories.isEmpty()) {
        file(tar, "repositories", Json.bytes(repositories));
      }
      tar.finish();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing image archive", e);
    }
  }

  private static void blob(TarArchiveOutputStream tar, ContentStore content, Digest d, Set<Digest> written)
      throws IOException {
    if (!written.add(d)) {
      return;
    }
    TarArchiveEntry e = entry("blobs/sha256/" + d.hex(), content.size(d));
    tar.putArchiveEntry(e);
    try (InputStream in = content.open(d)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
    tar.putArchiveEntry(entry(name, data.length));
    tar.write(data);
    tar.closeArchiveEntry();
  }

  private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setModTime(EPOCH);
    e.setMode(040755);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry entry(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setModTime(EPOCH);
    e.setMode(0100644);
    e.setIds(0, 0);
    return e;
  }
}
