package io.berth.store.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.oci.Reference;
import io.berth.store.content.ContentStore;
import io.berth.store.meta.MetadataStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image records and the tag index as they are on disk, held in memory so that readers (list,
 * resolve, inspect) touch no file. Every change is written before it is published: when a write
 * fails (a full disk) nothing changes, neither here nor on disk, and what a reader sees is always
 * what a restart would load. Not thread-safe: {@link LocalImageStore} holds its read lock to look
 * and its write lock to change, only for these short metadata updates.
 */
final class ImageRecords {
  private static final Logger LOG = LoggerFactory.getLogger(ImageRecords.class);
  private static final String BUCKET = "images";
  private static final String TAGS = "tags";

  /** What is persisted per image; the config itself is the blob named by the id. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Record(String id, String manifest, List<String> layers, List<String> diffIds, long size, String created) {}

  /** A record with its config, read once. */
  record Entry(Record record, ImageConfig config) {
    String hex() {
      return Digest.parse(record.id()).hex();
    }
  }

  private final MetadataStore meta;
  private final Map<String, Entry> byHex = new HashMap<>();
  private int unreadable;
  private Map<String, String> tags;
  final RepoDigests repoDigests;

  ImageRecords(MetadataStore meta, ContentStore content) {
    this.meta = meta;
    this.repoDigests = new RepoDigests(meta);
    this.tags = new TreeMap<>(meta.get(TAGS, "index").map(b -> {
      try {
        return Json.MAPPER.readValue(b, new TypeReference<Map<String, String>>() { });
      } catch (IOException e) {
        throw new UncheckedIOException("reading tag index", e);
      }
    }).orElse(Map.of()));
    for (String hex : meta.keys(BUCKET)) {
      try {
        Record r = Json.read(meta.get(BUCKET, hex).orElseThrow(), Record.class, "image record");
        try (InputStream in = content.open(Digest.parse(r.id()))) {
          byHex.put(hex, new Entry(r, Json.read(in.readAllBytes(), ImageConfig.class, "image config")));
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping unreadable image record {}: {}", hex, e.toString());
        unreadable++;
      }
    }
  }

  /**
   * Whether every stored record could be read. When one could not, its content cannot be told
   * from garbage, so nothing may be deleted as unused.
   */
  boolean complete() {
    return unreadable == 0;
  }

  Entry get(String hex) {
    return byHex.get(hex);
  }

  Collection<Entry> all() {
    return byHex.values();
  }

  Collection<String> hexes() {
    return byHex.keySet();
  }

  /** The image id a normalized reference ({@code docker.io/library/x:1}) is a tag of, or null. */
  String taggedId(String ref) {
    return tags.get(ref);
  }

  /**
   * Writes the records not stored yet, then the tag index with {@code moved} (reference to image
   * id) applied, and publishes them together; when a write fails the records it wrote are
   * deleted again and nothing is published.
   */
  void add(List<Entry> entries, Map<String, String> moved) {
    List<String> written = new ArrayList<>();
    try {
      for (Entry e : entries) {
        if (!byHex.containsKey(e.hex()) && !written.contains(e.hex())) {
          meta.put(BUCKET, e.hex(), Json.bytes(e.record()));
          written.add(e.hex());
        }
      }
      Map<String, String> next = moved.isEmpty() ? tags : writeTags(moved, List.of());
      for (Entry e : entries) {
        byHex.put(e.hex(), e);
      }
      tags = next;
    } catch (RuntimeException e) {
      for (String hex : written) {
        try {
          meta.delete(BUCKET, hex);
        } catch (RuntimeException cleanup) {
          LOG.warn("removing the record of image {} after a failed write: {}", hex, cleanup.toString());
        }
      }
      throw e;
    }
  }

  /** Points the references {@code moved} names at their images and drops {@code removed}: written, then published. */
  void retag(Map<String, String> moved, Collection<String> removed) {
    tags = writeTags(moved, removed);
  }

  private Map<String, String> writeTags(Map<String, String> moved, Collection<String> removed) {
    Map<String, String> next = new TreeMap<>(tags);
    next.putAll(moved);
    removed.forEach(next::remove);
    if (next.equals(tags)) {
      return tags; // nothing to write (a full disk need not refuse what changes nothing)
    }
    meta.put(TAGS, "index", Json.bytes(next));
    return next;
  }

  /** Deletes the image's record and the repo digests naming it (its tags are gone already). */
  void remove(Digest id) {
    meta.delete(BUCKET, id.hex());
    byHex.remove(id.hex());
    repoDigests.removeImage(id);
  }

  /** The normalized references that are tags of {@code id}. */
  List<String> tagsOf(String id) {
    List<String> out = new ArrayList<>();
    tags.forEach((ref, target) -> {
      if (target.equals(id)) {
        out.add(ref);
      }
    });
    return out;
  }

  Image image(Entry e) {
    Record r = e.record();
    Instant created;
    try {
      created = Instant.parse(r.created());
    } catch (DateTimeParseException ex) {
      created = Instant.EPOCH;
    }
    Digest id = Digest.parse(r.id());
    return new Image(id, Digest.parse(r.manifest()), e.config(),
        tagsOf(r.id()).stream().map(ref -> Reference.parse(ref).familiarString()).toList(),
        repoDigests.of(id), r.layers().stream().map(Digest::parse).toList(),
        r.diffIds().stream().map(Digest::parse).toList(), r.size(), created);
  }
}
