package io.berth.store.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.Descriptor;
import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import io.berth.oci.Json;
import io.berth.oci.Manifest;
import io.berth.oci.MediaTypes;
import io.berth.oci.Reference;
import io.berth.store.content.ContentStore;
import io.berth.store.layer.Compression;
import io.berth.store.meta.MetadataStore;
import io.berth.store.snapshot.OverlaySnapshotter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ImageStore} over the content store (config, manifest and layer blobs), the metadata
 * store (image records and the tag index) and the overlay snapshotter (layers unpacked at import
 * or load, a load's while it stores them, so the first {@code run} does not pay for it). Layers are kept as the uncompressed
 * tars they arrived as, so their digest is their diff id and {@code save} streams them as is.
 */
public final class LocalImageStore implements ImageStore {
  private static final Logger LOG = LoggerFactory.getLogger(LocalImageStore.class);
  private static final String BUCKET = "images";
  private static final String TAGS = "tags";
  private final ContentStore content;
  private final MetadataStore meta;
  private final OverlaySnapshotter snapshotter;
  private final Map<String, String> tags;
  private final RepoDigests repoDigests;

  /** What is persisted per image; the config itself is the blob named by the id. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Record(String id, String manifest, List<String> layers, List<String> diffIds, long size, String created) {}

  public LocalImageStore(ContentStore content, MetadataStore meta, OverlaySnapshotter snapshotter) {
    this.content = content;
    this.meta = meta;
    this.snapshotter = snapshotter;
    this.repoDigests = new RepoDigests(meta);
    this.tags = new TreeMap<>(meta.get(TAGS, "index").map(b -> {
      try {
        return Json.MAPPER.readValue(b, new TypeReference<Map<String, String>>() { });
      } catch (IOException e) {
        throw new UncheckedIOException("reading tag index", e);
      }
    }).orElse(Map.of()));
  }

  @Override
  public synchronized Image importRootfs(InputStream tar, ImportOptions options) {
    Reference target = options.tag() == null ? null : Reference.parse(options.tag()).withDefaultTag();
    if (target != null && target.digest() != null) {
      throw new InvalidArgumentException("refusing to create a tag with a digest reference: " + options.tag());
    }
    ContainerConfig cc = ImportChanges.apply(ContainerConfig.empty(), options.changes() == null ? List.of() : options.changes());
    Set<Digest> added = new HashSet<>();
    try {
      Digest layer = ingest(Compression.decompressed(tar), added);
      String now = Instant.now().toString();
      String arch = options.platformArch() == null || options.platformArch().isBlank() ? "amd64" : options.platformArch();
      ImageConfig config = new ImageConfig(now, null, arch, "linux", cc,
          new ImageConfig.RootFs("layers", List.of(layer.toString())),
          List.of(new ImageConfig.History(now, "", null,
              options.message() == null || options.message().isEmpty() ? "Imported from -" : options.message(), null)));
      Pending img = prepare(Json.bytes(config), config, List.of(layer), added);
      commit(img);
      if (target != null) {
        setTag(target, img.image().id());
      }
      return resolve(img.image().id().toString());
    } catch (RuntimeException e) {
      discard(added);
      throw e;
    }
  }

  @Override
  public synchronized Image registerPulled(byte[] configBytes, List<Digest> layers, String tag) {
    Reference target = tag == null ? null : Reference.parse(tag).withDefaultTag();
    ImageConfig config = Json.read(configBytes, ImageConfig.class, "image config");
    Set<Digest> added = new HashSet<>();
    try {
      Pending img = prepare(configBytes, config, layers, added);
      commit(img);
      if (target != null && target.tag() != null) {
        setTag(new Reference(target.domain(), target.path(), target.tag(), null), img.image().id());
      }
      return resolve(img.image().id().toString());
    } catch (RuntimeException e) {
      discard(added);
      throw e;
    }
  }

  @Override
  public void unpackLayer(List<Digest> diffIds, int index) {
    // not synchronized on the store: layers of one pull unpack side by side (the snapshotter
    // locks per chain id), and nothing names them until registerPulled
    snapshotter.ensureLayer(OverlaySnapshotter.chainIds(diffIds).get(index), diffIds.get(index));
  }

  /** An image whose blobs are stored and layers unpacked, but that no record names yet. */
  private record Pending(Record record, Image image) {}

  /**
   * Stores config and manifest for already stored layer blobs and unpacks the layers; nothing is
   * visible until {@link #commit}. Blobs this call adds are recorded in {@code added}.
   */
  private Pending prepare(byte[] cfgBytes, ImageConfig config, List<Digest> layers, Set<Digest> added) {
    List<String> diffIds = config.rootfs() == null || config.rootfs().diffIds() == null ? List.of()
        : config.rootfs().diffIds();
    if (diffIds.size() != layers.size()) {
      throw new InvalidArgumentException("image config lists " + diffIds.size() + " layers, the image has "
          + layers.size());
    }
    for (int i = 0; i < layers.size(); i++) {
      if (!layers.get(i).toString().equals(diffIds.get(i))) {
        throw new InvalidArgumentException("layer " + (i + 1) + " has digest " + layers.get(i)
            + " but the config's diff id is " + diffIds.get(i));
      }
    }
    Digest id = ingest(new ByteArrayInputStream(cfgBytes), added);
    List<Descriptor> descs = new ArrayList<>();
    long size = 0;
    for (Digest l : layers) {
      long s = content.size(l);
      size += s;
      descs.add(new Descriptor(MediaTypes.OCI_LAYER_TAR, l, s));
    }
    Manifest m = new Manifest(2, MediaTypes.OCI_MANIFEST, new Descriptor(MediaTypes.OCI_CONFIG, id, cfgBytes.length),
        descs, null);
    Digest manifest = ingest(new ByteArrayInputStream(Json.bytes(m)), added);
    String created = config.created() == null ? Instant.EPOCH.toString() : config.created();
    Record r = new Record(id.toString(), manifest.toString(), layers.stream().map(Digest::toString).toList(),
        diffIds, size, created);
    Image img = toImage(r, config);
    snapshotter.ensureLayers(img);
    return new Pending(r, img);
  }

  private void commit(Pending p) {
    meta.put(BUCKET, p.image().id().hex(), Json.bytes(p.record()));
  }

  private Digest ingest(InputStream in, Set<Digest> added) {
    Digest d = content.ingest(in, null);
    added.add(d);
    return d;
  }

  /** Undoes a failed import or load: blobs it added and layers it unpacked that no image uses. */
  private void discard(Set<Digest> added) {
    try {
      Set<String> liveChains = dropUnused(added);
      snapshotter.removeLayersExcept(liveChains);
    } catch (RuntimeException cleanup) {
      LOG.warn("cleaning up after a failed image import: {}", cleanup.toString());
    }
  }

  /**
   * Deletes the blobs of {@code added} that no image uses (after a load, the files of the archive
   * that were stored as they streamed by but are no image's); returns the chain ids in use.
   */
  private Set<String> dropUnused(Set<Digest> added) {
    Set<Digest> live = new HashSet<>();
    Set<String> liveChains = new HashSet<>();
    liveSets(live, liveChains);
    for (Digest d : added) {
      if (!live.contains(d)) {
        content.delete(d);
      }
    }
    return liveChains;
  }

  private void liveSets(Set<Digest> live, Set<String> liveChains) {
    for (Image other : list()) {
      live.add(other.id());
      live.add(other.manifestDigest());
      live.addAll(other.layers());
      OverlaySnapshotter.chainIds(other.diffIds()).forEach(c -> liveChains.add(c.hex()));
    }
  }

  /**
   * Deletes the blobs and unpacked layers no image refers to, and returns the bytes of blobs
   * freed: what a load, import, pull or commit killed before it recorded its image left. Each
   * {@code rmi} applies the same rule to its image's content; this is for a start, before any
   * such operation runs. With an image record that cannot be read nothing is deleted, since its
   * content cannot be told from garbage.
   */
  public synchronized long removeUnreferenced() {
    Set<Digest> live = new HashSet<>();
    Set<String> liveChains = new HashSet<>();
    liveSets(live, liveChains);
    long freed = 0;
    for (Digest d : content.list()) {
      if (!live.contains(d)) {
        freed += content.size(d);
        content.delete(d);
      }
    }
    snapshotter.removeLayersExcept(liveChains);
    return freed;
  }

  @Override
  public synchronized LoadResult load(InputStream archive) {
    Set<Digest> added = new HashSet<>();
    try (ArchiveReader reader = new ArchiveReader(archive, content, snapshotter, added)) {
      List<ArchiveReader.Entry> entries = reader.entries();
      List<List<Reference>> tagsOf = new ArrayList<>();
      for (ArchiveReader.Entry e : entries) {
        List<Reference> refs = new ArrayList<>();
        for (String t : e.tags()) {
          Reference r = Reference.parse(t).withDefaultTag();
          if (r.digest() != null) {
            throw new InvalidArgumentException("invalid archive: tag " + t + " is a digest reference");
          }
          refs.add(r);
        }
        tagsOf.add(refs);
      }
      // everything is stored and unpacked before the first record or tag is written
      List<Pending> pending = new ArrayList<>();
      for (ArchiveReader.Entry e : entries) {
        ImageConfig config = Json.read(e.config(), ImageConfig.class, "image config");
        List<Digest> layers = new ArrayList<>();
        for (ArchiveReader.File l : e.layers()) {
          layers.add(l.blob() != null ? l.blob()
              : ingest(Compression.decompressed(new ByteArrayInputStream(l.bytes())), added));
        }
        // layers unpacked while they were read take their place under their chain ids (named
        // after what was stored, so a config that disagrees is refused below with nothing misnamed)
        List<Digest> chains = OverlaySnapshotter.chainIds(layers);
        for (int i = 0; i < layers.size(); i++) {
          if (e.layers().get(i).staged() != null) {
            snapshotter.adopt(chains.get(i), e.layers().get(i).staged());
          }
        }
        pending.add(prepare(e.config(), config, layers, added));
      }
      List<Image> images = new ArrayList<>();
      List<String> loadedTags = new ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        commit(pending.get(i));
        for (Reference r : tagsOf.get(i)) {
          tags.put(r.toString(), pending.get(i).image().id().toString());
          loadedTags.add(r.familiarString());
        }
      }
      saveTags();
      for (Pending p : pending) {
        images.add(resolve(p.image().id().toString()));
      }
      dropUnused(added);
      return new LoadResult(images, loadedTags);
    } catch (UncheckedIOException e) {
      discard(added);
      throw new InvalidArgumentException("invalid image archive: " + e.getMessage());
    } catch (RuntimeException e) {
      discard(added);
      throw e;
    }
  }

  @Override
  public synchronized void save(List<String> names, OutputStream out) {
    Map<String, ArchiveWriter.Item> items = new java.util.LinkedHashMap<>();
    for (String n : names) {
      Image img = resolve(n);
      List<String> t = new ArrayList<>();
      if (!looksLikeId(n)) {
        t.add(Reference.parse(n).withDefaultTag().familiarString());
      }
      ArchiveWriter.Item prev = items.get(img.id().toString());
      if (prev != null) {
        t.addAll(0, prev.tags());
      }
      items.put(img.id().toString(), new ArchiveWriter.Item(img, t));
    }
    ArchiveWriter.write(new ArrayList<>(items.values()), content, out);
  }

  @Override
  public synchronized Image resolve(String nameOrId) {
    if (nameOrId == null || nameOrId.isEmpty()) {
      throw new InvalidArgumentException("invalid reference format: empty image name");
    }
    String hex = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
    if (hex.matches("[a-f0-9]{4,64}")) {
      List<String> matches = meta.keys(BUCKET).stream().filter(k -> k.startsWith(hex)).toList();
      if (matches.size() == 1 && (hex.length() == 64 || nameOrId.startsWith("sha256:") || !tagged(nameOrId))) {
        return load(matches.getFirst());
      }
      if (matches.size() > 1 && !tagged(nameOrId)) {
        throw new InvalidArgumentException("ambiguous image id prefix " + nameOrId);
      }
    }
    Reference r;
    try {
      r = Reference.parse(nameOrId).withDefaultTag();
    } catch (InvalidArgumentException e) {
      throw new NotFoundException("No such image: " + nameOrId);
    }
    String id = tags.get(r.toString());
    if (id == null && r.digest() != null) {
      id = repoDigests.image(r).orElse(null);
    }
    if (id == null && r.digest() != null) {
      for (String hexId : meta.keys(BUCKET)) {
        Image i = load(hexId);
        if (i.manifestDigest().equals(r.digest())) {
          return i;
        }
      }
    }
    if (id == null) {
      throw new NotFoundException("No such image: " + r.familiarString());
    }
    return load(Digest.parse(id).hex());
  }

  private boolean tagged(String name) {
    try {
      return tags.containsKey(Reference.parse(name).withDefaultTag().toString());
    } catch (InvalidArgumentException e) {
      return false;
    }
  }

  private static boolean looksLikeId(String n) {
    return n.startsWith("sha256:") || n.matches("[a-f0-9]{12,64}");
  }

  private Image load(String hex) {
    byte[] rec = meta.get(BUCKET, hex).orElseThrow(() -> new NotFoundException("No such image: " + hex));
    Record r = Json.read(rec, Record.class, "image record");
    ImageConfig config;
    try (InputStream in = content.open(Digest.parse(r.id()))) {
      config = Json.read(in.readAllBytes(), ImageConfig.class, "image config");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return toImage(r, config);
  }

  private Image toImage(Record r, ImageConfig config) {
    List<String> repoTags = new ArrayList<>();
    tags.forEach((ref, id) -> {
      if (id.equals(r.id())) {
        repoTags.add(Reference.parse(ref).familiarString());
      }
    });
    Instant created;
    try {
      created = Instant.parse(r.created());
    } catch (DateTimeParseException e) {
      created = Instant.EPOCH;
    }
    return new Image(Digest.parse(r.id()), Digest.parse(r.manifest()), config, repoTags,
        repoDigests.of(Digest.parse(r.id())),
        r.layers().stream().map(Digest::parse).toList(), r.diffIds().stream().map(Digest::parse).toList(),
        r.size(), created);
  }

  @Override
  public synchronized List<Image> list() {
    List<Image> out = new ArrayList<>();
    for (String k : meta.keys(BUCKET)) {
      out.add(load(k));
    }
    return out;
  }

  @Override
  public synchronized void tag(String source, String target) {
    Image img = resolve(source);
    Reference r = Reference.parse(target).withDefaultTag();
    if (r.digest() != null) {
      throw new InvalidArgumentException("refusing to create a tag with a digest reference");
    }
    setTag(r, img.id());
  }

  private void setTag(Reference r, Digest id) {
    tags.put(r.toString(), id.toString());
    saveTags();
  }

  private void saveTags() {
    meta.put(TAGS, "index", Json.bytes(new TreeMap<>(tags)));
  }

  @Override
  public synchronized List<DeleteItem> remove(String nameOrId, boolean force, Predicate<String> inUse) {
    Image img = resolve(nameOrId);
    List<DeleteItem> out = new ArrayList<>();
    boolean byId = looksLikeId(nameOrId) && !tagged(nameOrId);
    if (!byId) {
      Reference r = Reference.parse(nameOrId).withDefaultTag();
      boolean lastTag = img.repoTags().size() <= 1;
      if (lastTag && inUse.test(img.id().toString()) && !force) {
        throw new ConflictException("conflict: unable to remove repository reference \"" + nameOrId
            + "\" (must force) - container is using its referenced image " + img.id().shortHex());
      }
      tags.remove(r.toString());
      saveTags();
      out.add(new DeleteItem(r.familiarString(), null));
      if (!lastTag || (inUse.test(img.id().toString()) && force)) {
        return out;
      }
    } else {
      if (inUse.test(img.id().toString())) {
        throw new ConflictException("conflict: unable to delete " + img.id().shortHex()
            + " (cannot be forced) - image is being used by a container");
      }
      if (img.repoTags().size() > 1 && !force) {
        throw new ConflictException("conflict: unable to delete " + img.id().shortHex()
            + " (must be forced) - image is referenced in multiple repositories");
      }
      for (String t : img.repoTags()) {
        tags.remove(Reference.parse(t).withDefaultTag().toString());
        out.add(new DeleteItem(t, null));
      }
      saveTags();
    }
    deleteImage(img);
    out.add(new DeleteItem(null, img.id().toString()));
    return out;
  }

  @Override
  public synchronized void addRepoDigest(Reference name, Digest manifest, Digest image) {
    resolve(image.toString());
    repoDigests.add(name, manifest, image);
  }

  private void deleteImage(Image img) {
    meta.delete(BUCKET, img.id().hex());
    repoDigests.removeImage(img.id());
    Set<Digest> live = new HashSet<>();
    Set<String> liveChains = new HashSet<>();
    liveSets(live, liveChains);
    for (Digest d : img.layers()) {
      if (!live.contains(d)) {
        content.delete(d);
      }
    }
    if (!live.contains(img.id())) {
      content.delete(img.id());
    }
    if (!live.contains(img.manifestDigest())) {
      content.delete(img.manifestDigest());
    }
    snapshotter.removeLayersExcept(liveChains);
  }

  @Override
  public synchronized PruneResult prune(boolean all, Predicate<String> inUse) {
    List<DeleteItem> out = new ArrayList<>();
    long reclaimed = 0;
    for (Image img : list()) {
      if (inUse.test(img.id().toString()) || (!all && !img.repoTags().isEmpty())) {
        continue;
      }
      for (String t : img.repoTags()) {
        tags.remove(Reference.parse(t).withDefaultTag().toString());
        out.add(new DeleteItem(t, null));
      }
      saveTags();
      deleteImage(img);
      out.add(new DeleteItem(null, img.id().toString()));
      reclaimed += img.size();
    }
    return new PruneResult(out, reclaimed);
  }

  @Override
  public long layerSize(Image image, int index) {
    long s = snapshotter.layerSize(OverlaySnapshotter.chainIds(image.diffIds()).get(index));
    return s >= 0 ? s : content.size(image.layers().get(index));
  }
}
