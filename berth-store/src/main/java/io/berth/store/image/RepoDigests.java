package io.berth.store.image;

import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.Reference;
import io.berth.store.meta.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which registry manifests name each local image ({@code RepoDigests}: {@code repo@sha256:...}),
 * learned from pulls and pushes and persisted beside the tag index, so that
 * {@code docker images --digests} shows them and {@code repo@sha256:...} resolves locally.
 * Callers hold the image store's lock.
 */
final class RepoDigests {
  private static final String BUCKET = "repo-digests";
  private final MetadataStore meta;
  private Map<String, String> byReference;

  RepoDigests(MetadataStore meta) {
    this.meta = meta;
    this.byReference = new TreeMap<>(meta.get(BUCKET, "index").map(b -> {
      try {
        return Json.MAPPER.readValue(b, new TypeReference<Map<String, String>>() { });
      } catch (IOException e) {
        throw new UncheckedIOException("reading repo digest index", e);
      }
    }).orElse(Map.of()));
  }

  /** Records that {@code name}'s manifest {@code manifest} is the image {@code image}. */
  void add(Reference name, Digest manifest, Digest image) {
    Map<String, String> next = new TreeMap<>(byReference);
    next.put(new Reference(name.domain(), name.path(), null, manifest).toString(), image.toString());
    save(next);
  }

  List<String> of(Digest image) {
    List<String> out = new ArrayList<>();
    byReference.forEach((ref, id) -> {
      if (id.equals(image.toString())) {
        out.add(Reference.parse(ref).familiarString());
      }
    });
    return out;
  }

  /** The image a {@code name@digest} reference names, if a pull or push recorded it. */
  Optional<String> image(Reference ref) {
    return Optional.ofNullable(byReference.get(new Reference(ref.domain(), ref.path(), null, ref.digest()).toString()));
  }

  void removeImage(Digest image) {
    Map<String, String> next = new TreeMap<>(byReference);
    if (next.values().removeIf(id -> id.equals(image.toString()))) {
      save(next);
    }
  }

  /** Written first, published after: a failed write changes nothing. */
  private void save(Map<String, String> next) {
    meta.put(BUCKET, "index", Json.bytes(next));
    byReference = next;
  }
}
