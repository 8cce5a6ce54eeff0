package io.berth.store.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import io.berth.store.layer.Compression;
import io.berth.store.layer.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image archive — a docker-archive ({@code manifest.json}) or an OCI image layout
 * ({@code index.json}), possibly both — into a list of images to import. The archive is first
 * unpacked into a scratch directory (names checked, nothing followed), then parsed.
 */
final class ArchiveReader implements AutoCloseable {
  /** One image of the archive: its config file, layer files (bottom first) and tags. */
  record Entry(Path config, List<Path> layers, List<String> tags) {}

  private static final Pattern BLOB = Pattern.compile("blobs/sha256/([a-f0-9]{64})");
  private final Path dir;
  private final Set<String> verified = new HashSet<>();

  ArchiveReader(InputStream archive, Path scratch) {
    this.dir = scratch;
    try {
      Files.createDirectories(dir);
      TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompressed(archive));
      TarArchiveEntry e;
      int count = 0;
      while ((e = tar.getNextEntry()) != null) {
        if (++count > 100_000) {
          throw new InvalidArgumentException("invalid archive: too many entries");
        }
        String name = cleanName(e.getName());
        if (name.isEmpty()) {
          continue;
        }
        Path target = dir.resolve(name);
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else if (e.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target);
        } else if (e.isSymbolicLink() || e.isLink()) {
          // docker-archives of old dockers link identical layers; resolve inside the archive only
          String linkTarget = e.isLink() ? cleanName(e.getLinkName())
              : cleanName(Path.of(name).resolveSibling(e.getLinkName()).normalize().toString());
          Path src = dir.resolve(linkTarget);
          if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target.getParent());
            Files.copy(src, target);
          }
        }
      }
      if (count == 0) {
        throw new InvalidArgumentException("invalid archive: empty or not a tar file");
      }
    } catch (IOException ex) {
      close();
      throw new InvalidArgumentException("invalid image archive: " + ex.getMessage());
    } catch (RuntimeException ex) {
      close();
      throw ex;
    }
  }

  private static String cleanName(String n) {
    try {
      return LayerApplier.clean(n);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid archive: entry " + n + " escapes the archive");
    }
  }

  List<Entry> entries() {
    List<Entry> out = parse();
    if (out.isEmpty()) {
      throw new InvalidArgumentException("invalid archive: it names no image");
    }
    return out;
  }

  private List<Entry> parse() {
    try {
      Path manifest = dir.resolve("manifest.json");
      if (Files.exists(manifest)) {
        return fromDockerManifest(Json.MAPPER.readTree(Files.readAllBytes(manifest)));
      }
      Path index = dir.resolve("index.json");
      if (Files.exists(index)) {
        return fromOciIndex(Json.MAPPER.readTree(Files.readAllBytes(index)));
      }
      throw new InvalidArgumentException("invalid archive: neither manifest.json nor index.json found");
    } catch (IOException e) {
      throw new InvalidArgumentException("invalid archive: " + String.valueOf(e.getMessage()).split("\n")[0]);
    }
  }

  private List<Entry> fromDockerManifest(JsonNode m) throws IOException {
    if (!m.isArray()) {
      throw new InvalidArgumentException("invalid archive: manifest.json is not a list");
    }
    List<Entry> out = new ArrayList<>();
    for (JsonNode e : m) {
      Path config = file(e.path("Config").asText(""));
      List<Path> layers = new ArrayList<>();
      for (JsonNode l : e.path("Layers")) {
        layers.add(file(l.asText()));
      }
      List<String> tags = new ArrayList<>();
      for (JsonNode t : e.path("RepoTags")) {
        tags.add(t.asText());
      }
      out.add(new Entry(config, layers, tags));
    }
    return out;
  }

  private List<Entry> fromOciIndex(JsonNode index) throws IOException {
    List<Entry> out = new ArrayList<>();
    for (JsonNode d : index.path("manifests")) {
      collect(d, out, tagOf(d));
    }
    return out;
  }

  private void collect(JsonNode desc, List<Entry> out, String tag) throws IOException {
    String mt = desc.path("mediaType").asText("");
    JsonNode doc = Json.MAPPER.readTree(Files.readAllBytes(blob(desc)));
    if (MediaTypes.isIndex(mt) || doc.has("manifests")) {
      for (JsonNode d : doc.path("manifests")) {
        JsonNode p = d.path("platform");
        if (p.isMissingNode() || (p.path("os").asText("linux").equals("linux")
            && p.path("architecture").asText("amd64").equals("amd64"))) {
          collect(d, out, tag != null ? tag : tagOf(d));
          return;
        }
      }
      throw new InvalidArgumentException("invalid archive: no linux/amd64 image in the index");
    }
    if (!doc.path("config").isObject() || !doc.path("layers").isArray()) {
      throw new InvalidArgumentException("invalid archive: manifest " + desc.path("digest").asText()
          + " has no config or no layers list");
    }
    Path config = blob(doc.path("config"));
    List<Path> layers = new ArrayList<>();
    for (JsonNode l : doc.path("layers")) {
      layers.add(blob(l));
    }
    out.add(new Entry(config, layers, tag == null ? List.of() : List.of(tag)));
  }

  private static String tagOf(JsonNode desc) {
    JsonNode a = desc.path("annotations");
    String name = a.path("io.containerd.image.name").asText("");
    if (!name.isEmpty()) {
      return name;
    }
    String ref = a.path("org.opencontainers.image.ref.name").asText("");
    return ref.isEmpty() ? null : (ref.contains(":") || ref.contains("/") ? ref : null);
  }

  /** The blob a descriptor names, checked against the descriptor's digest and size. */
  private Path blob(JsonNode desc) throws IOException {
    Digest d = digestOf(desc.path("digest").asText(""));
    Path p = file("blobs/" + d.algorithm() + "/" + d.hex());
    if (desc.has("size") && desc.path("size").asLong(-1) != Files.size(p)) {
      throw new InvalidArgumentException("invalid archive: blob " + d + " has " + Files.size(p)
          + " bytes, its descriptor says " + desc.path("size").asText());
    }
    return p;
  }

  private static Digest digestOf(String s) {
    try {
      return Digest.parse(s);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid archive: bad digest \"" + s + "\" in a descriptor");
    }
  }

  /** A file the archive refers to; one stored under its digest must hash to that digest. */
  private Path file(String rel) throws IOException {
    if (rel.isEmpty()) {
      throw new InvalidArgumentException("invalid archive: missing file reference");
    }
    String clean = cleanName(rel);
    Path p = dir.resolve(clean);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException("invalid archive: " + rel + " is missing");
    }
    Matcher m = BLOB.matcher(clean);
    if (m.matches() && verified.add(clean)) {
      MessageDigest md = Digest.newSha256();
      try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      Digest actual = Digest.ofSha256(md);
      if (!actual.hex().equals(m.group(1))) {
        throw new InvalidArgumentException("invalid archive: " + clean + " has digest " + actual
            + ", not the one it is named after");
      }
    }
    return p;
  }

  @Override
  public void close() {
    try {
      LayerApplier.deleteTree(dir);
    } catch (UncheckedIOException ignored) {
      // scratch space
    }
  }
}
