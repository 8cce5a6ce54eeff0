package io.berth.store.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.Digest;
import io.berth.oci.Json;
import io.berth.oci.MediaTypes;
import io.berth.store.content.ContentStore;
import io.berth.store.layer.Compression;
import io.berth.store.layer.LayerApplier;
import io.berth.store.snapshot.OverlaySnapshotter;
import io.berth.store.snapshot.StagedLayer;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image archive — a docker-archive ({@code manifest.json}) or an OCI image layout
 * ({@code index.json}), possibly both — in one pass over the stream, into a list of images to
 * import. Small files (manifests, configs) are kept in memory; every larger file is stored in the
 * content store as it streams by (uncompressed, as layers are kept) and, at the same time,
 * unpacked into a staged layer directory ({@link StagedLayer}): a load reads and writes each
 * layer once instead of copying the archive to scratch space, storing it and unpacking it one
 * after the other. Blobs it stored are added to {@code added}, so a failed load can undo them.
 */
final class ArchiveReader implements AutoCloseable {
  /** One image of the archive: its config, its layer files (bottom first) and tags. */
  record Entry(byte[] config, List<File> layers, List<String> tags) {}

  /**
   * A file of the archive: held in memory ({@code bytes}), or stored as it was read, with the
   * digest and size of the archive's bytes ({@code raw}, what an OCI blob is named after), the
   * digest of the stored, uncompressed content ({@code blob}) and its staged unpack.
   */
  record File(String name, byte[] bytes, Digest raw, long rawSize, Digest blob, StagedLayer staged) {
    long size() {
      return bytes != null ? bytes.length : rawSize;
    }
  }

  private static final Pattern BLOB = Pattern.compile("blobs/sha256/([a-f0-9]{64})");
  /** Files up to this size stay in memory (every manifest and config of a real image does). */
  private static final long INLINE_MAX = 1 << 20;
  private static final long INLINE_TOTAL_MAX = 256L << 20;
  private static final int MAX_ENTRIES = 100_000;

  private final ContentStore content;
  private final Map<String, File> files = new HashMap<>();
  private final Map<String, String> links = new HashMap<>();
  private final List<StagedLayer> staged = new ArrayList<>();

  ArchiveReader(InputStream archive, ContentStore content, OverlaySnapshotter snapshotter, Set<Digest> added) {
    this.content = content;
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompressed(archive));
      TarArchiveEntry e;
      int count = 0;
      long inline = 0;
      while ((e = tar.getNextEntry()) != null) {
        if (++count > MAX_ENTRIES) {
          throw new InvalidArgumentException("invalid archive: too many entries");
        }
        String name = cleanName(e.getName());
        if (name.isEmpty() || e.isDirectory()) {
          continue;
        }
        if (e.isFile() && e.getSize() <= INLINE_MAX) {
          inline += e.getSize();
          if (inline > INLINE_TOTAL_MAX) {
            throw new InvalidArgumentException("invalid archive: more than " + (INLINE_TOTAL_MAX >> 20)
                + " MiB of small files");
          }
          byte[] bytes = tar.readNBytes((int) e.getSize());
          files.put(name, checkName(new File(name, bytes, Digest.sha256(bytes), bytes.length, null, null)));
        } else if (e.isFile()) {
          files.put(name, checkName(store(name, tar, e.getSize(), snapshotter, added)));
        } else if (e.isSymbolicLink() || e.isLink()) {
          // docker-archives of old dockers link identical layers; resolved inside the archive only
          links.put(name, e.isLink() ? cleanName(e.getLinkName())
              : cleanName(java.nio.file.Path.of(name).resolveSibling(e.getLinkName()).normalize().toString()));
        }
      }
      if (count == 0) {
        throw new InvalidArgumentException("invalid archive: empty or not a tar file");
      }
    } catch (IOException ex) {
      close();
      throw new InvalidArgumentException("invalid image archive: " + ex.getMessage());
    } catch (java.io.UncheckedIOException ex) { // the stream broke while a file was stored (a full disk is not this)
      close();
      throw new InvalidArgumentException("invalid image archive: " + ex.getMessage());
    } catch (RuntimeException ex) {
      close();
      throw ex;
    }
  }

  /** Stores a large file as it streams by, unpacking it into a staged layer at the same time. */
  private File store(String name, InputStream entry, long size, OverlaySnapshotter snapshotter, Set<Digest> added)
      throws IOException {
    BufferedInputStream in = new BufferedInputStream(unclosable(entry), 64 * 1024);
    // an uncompressed file is stored as it is, so its stored digest is its archive digest: hash
    // it once (a third of a load's CPU went to hashing every layer twice)
    boolean compressed = Compression.detect(in) != Compression.Kind.NONE;
    MessageDigest raw = compressed ? Digest.newSha256() : null;
    InputStream hashed = compressed ? new DigestInputStream(in, raw) : in;
    StagedLayer layer = snapshotter.stageLayer();
    staged.add(layer);
    Digest blob;
    try (InputStream tee = layer.tee(unclosable(Compression.decompressed(hashed)))) {
      blob = content.ingest(tee, null);
    }
    added.add(blob);
    hashed.transferTo(OutputStream.nullOutputStream()); // what a decompressor left: still the raw digest's
    return new File(name, null, compressed ? Digest.ofSha256(raw) : blob, size, blob, layer);
  }

  /** {@code in} with a close that does nothing: the archive goes on after an entry. */
  private static InputStream unclosable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {
        // not this entry's to close
      }
    };
  }

  /** A file stored under {@code blobs/sha256/<hex>} must hash to that digest. */
  private static File checkName(File f) {
    Matcher m = BLOB.matcher(f.name());
    if (m.matches() && !f.raw().hex().equals(m.group(1))) {
      throw new InvalidArgumentException("invalid archive: " + f.name() + " has digest " + f.raw()
          + ", not the one it is named after");
    }
    return f;
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
      if (files.containsKey("manifest.json")) {
        return fromDockerManifest(Json.MAPPER.readTree(bytes(file("manifest.json"))));
      }
      if (files.containsKey("index.json")) {
        return fromOciIndex(Json.MAPPER.readTree(bytes(file("index.json"))));
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
      byte[] config = bytes(file(e.path("Config").asText("")));
      List<File> layers = new ArrayList<>();
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
    JsonNode doc = Json.MAPPER.readTree(bytes(blob(desc)));
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
    byte[] config = bytes(blob(doc.path("config")));
    List<File> layers = new ArrayList<>();
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

  /** The blob a descriptor names, checked against the descriptor's size (its digest was checked as it was read). */
  private File blob(JsonNode desc) {
    Digest d = digestOf(desc.path("digest").asText(""));
    File f = file("blobs/" + d.algorithm() + "/" + d.hex());
    if (desc.has("size") && desc.path("size").asLong(-1) != f.size()) {
      throw new InvalidArgumentException("invalid archive: blob " + d + " has " + f.size()
          + " bytes, its descriptor says " + desc.path("size").asText());
    }
    return f;
  }

  private static Digest digestOf(String s) {
    try {
      return Digest.parse(s);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid archive: bad digest \"" + s + "\" in a descriptor");
    }
  }

  /** A file the archive refers to, through the archive's own links. */
  private File file(String rel) {
    if (rel.isEmpty()) {
      throw new InvalidArgumentException("invalid archive: missing file reference");
    }
    String name = cleanName(rel);
    for (int hops = 0; links.containsKey(name) && hops < 40; hops++) {
      name = links.get(name);
    }
    File f = files.get(name);
    if (f == null) {
      throw new InvalidArgumentException("invalid archive: " + rel + " is missing");
    }
    return f;
  }

  /** The bytes of a small file; a larger one (an unusually big config) is read back from the store. */
  private byte[] bytes(File f) throws IOException {
    if (f.bytes() != null) {
      return f.bytes();
    }
    if (f.rawSize() > 64L << 20) {
      throw new InvalidArgumentException("invalid archive: " + f.name() + " is too large for a manifest or config");
    }
    try (InputStream in = content.open(f.blob())) {
      return in.readAllBytes();
    }
  }

  /** Deletes the staged unpacks that were not adopted as layers. */
  @Override
  public void close() {
    for (StagedLayer s : staged) {
      s.close();
    }
  }
}
