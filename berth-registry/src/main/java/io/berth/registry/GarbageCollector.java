package io.berth.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Offline mark and sweep, like distribution's {@code garbage-collect}: marks every blob that a
 * kept manifest of any repository references (config, layers, child manifests, the manifests
 * themselves), then deletes the other blobs, the links to them, and upload sessions older than a
 * day. Run it while the registry is stopped: a push in flight could lose a blob it just sent.
 */
public final class GarbageCollector {
  /** What a run removed (or would remove, on a dry run). */
  public record Result(List<Digest> blobs, List<String> untagged, int uploads, long bytes) {}

  private final RegistryStorage storage;

  public GarbageCollector(RegistryStorage storage) {
    this.storage = storage;
  }

  public Result run(boolean dryRun, boolean deleteUntagged, Consumer<String> log) {
    Set<Digest> marked = new HashSet<>();
    List<String> untagged = new ArrayList<>();
    for (String repo : storage.repositories()) {
      Set<Digest> tagged = new HashSet<>();
      for (String t : storage.tags(repo)) {
        storage.tag(repo, t).ifPresent(tagged::add);
      }
      for (Digest m : storage.revisions(repo)) {
        if (deleteUntagged && !tagged.contains(m) && !isChildOfTagged(repo, m, tagged)) {
          untagged.add(repo + "@" + m);
          if (!dryRun) {
            storage.deleteManifest(repo, m);
          }
          continue;
        }
        mark(m, marked);
      }
    }
    List<Digest> swept = new ArrayList<>();
    long bytes = 0;
    for (Digest d : storage.blobs().list()) {
      if (!marked.contains(d)) {
        bytes += storage.blobs().size(d);
        swept.add(d);
        log.accept((dryRun ? "would delete blob " : "deleting blob ") + d);
        if (!dryRun) {
          storage.blobs().delete(d);
        }
      }
    }
    if (!dryRun) {
      for (String repo : storage.repositories()) {
        for (Digest d : storage.linkedBlobs(repo)) {
          if (!storage.blobs().exists(d)) {
            storage.unlinkBlob(repo, d);
          }
        }
      }
    }
    int uploads = staleUploads(dryRun, log);
    return new Result(swept, untagged, uploads, bytes);
  }

  private boolean isChildOfTagged(String repo, Digest m, Set<Digest> tagged) {
    for (Digest t : tagged) {
      JsonNode index = read(t);
      if (index != null) {
        for (JsonNode c : index.path("manifests")) {
          if (c.path("digest").asText().equals(m.toString())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private void mark(Digest manifest, Set<Digest> marked) {
    if (!marked.add(manifest)) {
      return;
    }
    JsonNode m = read(manifest);
    if (m == null) {
      return;
    }
    addDescriptor(m.path("config"), marked);
    for (JsonNode l : m.path("layers")) {
      addDescriptor(l, marked);
    }
    for (JsonNode c : m.path("manifests")) {
      addDescriptor(c, marked);
    }
  }

  private static void addDescriptor(JsonNode d, Set<Digest> marked) {
    if (d.path("digest").isTextual()) {
      try {
        marked.add(Digest.parse(d.path("digest").asText()));
      } catch (RuntimeException ignored) {
        // a manifest was validated on push; an unparsable digest marks nothing
      }
    }
  }

  private JsonNode read(Digest d) {
    if (!storage.blobs().exists(d)) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(Files.readAllBytes(storage.blobs().path(d)));
    } catch (IOException e) {
      return null;
    }
  }

  private int staleUploads(boolean dryRun, Consumer<String> log) {
    Instant cutoff = Instant.now().minus(Duration.ofHours(24));
    int n = 0;
    try (Stream<Path> s = Files.list(storage.uploads())) {
      for (Path dir : s.toList()) {
        FileTime t = Files.getLastModifiedTime(dir.resolve("data"));
        if (t.toInstant().isBefore(cutoff)) {
          n++;
          log.accept((dryRun ? "would remove upload " : "removing upload ") + dir.getFileName());
          if (!dryRun) {
            try (Stream<Path> files = Files.list(dir)) {
              for (Path f : files.toList()) {
                Files.deleteIfExists(f);
              }
            }
            Files.deleteIfExists(dir);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing uploads", e);
    }
    return n;
  }
}
