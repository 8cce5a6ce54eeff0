package io.berth.store.image;

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
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@link ImageStore} over the content store (config, manifest and layer blobs), the metadata
 * store (image records and the tag index, {@link ImageRecords}) and the overlay snapshotter
 * (layers unpacked at import or load, a load's while it stores them, so the first {@code run}
 * does not pay for it). Layers are kept as the uncompressed tars they arrived as, so their digest
 * is their diff id and {@code save} streams them as is.
 *
 * <p>Locking: one read-write lock guards the records and tags, held only for the short metadata
 * updates (write) and lookups (read). The slow file work runs outside it: a load, import or pull
 * stores blobs and unpacks layers first, under a {@link Lease}, and takes the write lock only to
 * record the result; a removal checks use and unpublishes under the write lock, then the
 * {@link Reclaimer} deletes the files once no lease is held. So {@code docker images} and a
 * {@code docker run} never wait for a long {@code rmi} or {@code load}.
 */
public final class LocalImageStore implements ImageStore {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalImageStore.class);
  private final ContentStore content;
  private final OverlaySnapshotter snapshotter;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ImageRecords records;
  private final Reclaimer reclaimer;

  public LocalImageStore(ContentStore content, MetadataStore meta, OverlaySnapshotter snapshotter) {
    this.content = content;
    this.snapshotter = snapshotter;
    this.records = new ImageRecords(meta, content);
    this.reclaimer = new Reclaimer(content, snapshotter, this::liveSets);
  }

  @Override
  public Lease lease() {
    return reclaimer.lease();
  }

  @Override
  public Image importRootfs(InputStream tar, ImportOptions options) {
    Reference target = options.tag() == null ? null : Reference.parse(options.tag()).withDefaultTag();
    if (target != null && target.digest() != null) {
      throw new InvalidArgumentException("refusing to create a tag with a digest reference: " + options.tag());
    }
    ContainerConfig cc = ImportChanges.apply(ContainerConfig.empty(), options.changes() == null ? List.of() : options.changes());
    Set<Digest> added = new HashSet<>();
    try (Lease lease = lease()) {
      Digest layer = ingest(Compression.decompressed(tar), added);
      String now = Instant.now().toString();
      String arch = options.platformArch() == null || options.platformArch().isBlank() ? "amd64" : options.platformArch();
      ImageConfig config = new ImageConfig(now, null, arch, "linux", cc,
          new ImageConfig.RootFs("layers", List.of(layer.toString())),
          List.of(new ImageConfig.History(now, "", null,
              options.message() == null || options.message().isEmpty() ? "Imported from -" : options.message(), null)));
      Pending img = prepare(Json.bytes(config), config, List.of(layer), added);
      commit(List.of(img), target == null ? Map.of() : Map.of(target.toString(), img.entry().record().id()));
      return read(() -> records.image(img.entry()));
    } catch (RuntimeException e) {
      reclaimer.reclaim(added); // after the lease ended: runs now unless another operation is under way
      throw e;
    }
  }

  @Override
  public Image registerPulled(byte[] configBytes, List<Digest> layers, String tag) {
    Reference target = tag == null ? null : Reference.parse(tag).withDefaultTag();
    ImageConfig config = Json.read(configBytes, ImageConfig.class, "image config");
    Set<Digest> added = new HashSet<>();
    try (Lease lease = lease()) {
      Pending img = prepare(configBytes, config, layers, added);
      String id = img.entry().record().id();
      commit(List.of(img), target != null && target.tag() != null
          ? Map.of(new Reference(target.domain(), target.path(), target.tag(), null).toString(), id) : Map.of());
      return read(() -> records.image(img.entry()));
    } catch (RuntimeException e) {
      reclaimer.reclaim(added);
      throw e;
    }
  }

  @Override
  public void unpackLayer(List<Digest> diffIds, int index) {
    // no lock: layers of one pull unpack side by side (the snapshotter locks per chain id), and
    // nothing names them until registerPulled; the pull's lease keeps them from being swept
    snapshotter.ensureLayer(OverlaySnapshotter.chainIds(diffIds).get(index), diffIds.get(index));
  }

  /** An image whose blobs are stored and layers unpacked, but that no record names yet. */
  private record Pending(ImageRecords.Entry entry) {}

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
    ImageRecords.Record r = new ImageRecords.Record(id.toString(), manifest.toString(),
        layers.stream().map(Digest::toString).toList(), diffIds, size, created);
    Image bare = new Image(id, manifest, config, List.of(), List.of(), layers,
        diffIds.stream().map(Digest::parse).toList(), size, Instant.EPOCH);
    snapshotter.ensureLayers(bare);
    return new Pending(new ImageRecords.Entry(r, config));
  }

  /** Records the images and points {@code tags} at them: all of it, or (a failed write) none. */
  private void commit(List<Pending> pending, Map<String, String> tags) {
    write(() -> {
      records.add(pending.stream().map(Pending::entry).toList(), tags);
      return null;
    });
  }

  private Digest ingest(InputStream in, Set<Digest> added) {
    Digest d = content.ingest(in, null);
    added.add(d);
    return d;
  }

  /** The blobs and layer chain ids (hex) recorded images use. */
  private void liveSets(Set<Digest> live, Set<String> liveChains) {
    if (!records.complete()) {
      throw new IllegalStateException("an image record could not be read at start; nothing is deleted as unused "
          + "until it is repaired or removed");
    }
    read(() -> {
      for (ImageRecords.Entry e : records.all()) {
        ImageRecords.Record r = e.record();
        live.add(Digest.parse(r.id()));
        live.add(Digest.parse(r.manifest()));
        r.layers().forEach(l -> live.add(Digest.parse(l)));
        OverlaySnapshotter.chainIds(r.diffIds().stream().map(Digest::parse).toList())
            .forEach(c -> liveChains.add(c.hex()));
      }
      return null;
    });
  }

  @Override
  public LoadResult load(InputStream archive) {
    Set<Digest> added = new HashSet<>();
    LoadResult result;
    try (Lease lease = lease(); ArchiveReader reader = new ArchiveReader(archive, content, snapshotter, added)) {
      Map<String, String> tags = new LinkedHashMap<>();
      List<String> loadedTags = new ArrayList<>();
      List<Pending> pending;
      try {
        pending = stage(reader.entries(), added, tags, loadedTags);
      } catch (UncheckedIOException e) {
        throw new InvalidArgumentException("invalid image archive: " + e.getMessage());
      }
      commit(pending, tags);
      result = new LoadResult(read(() -> pending.stream().map(p -> records.image(p.entry())).toList()), loadedTags);
    } catch (RuntimeException e) {
      reclaimer.reclaim(added);
      throw e;
    }
    reclaimer.reclaim(added); // files of the archive stored as they streamed by that are no image's
    return result;
  }

  /**
   * Stores and unpacks the archive's images (nothing is recorded yet) and collects their tags
   * (normalized reference to image id, and as the load reports them).
   */
  private List<Pending> stage(List<ArchiveReader.Entry> entries, Set<Digest> added, Map<String, String> tags,
      List<String> loadedTags) {
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
    for (int i = 0; i < pending.size(); i++) {
      for (Reference r : tagsOf.get(i)) {
        tags.put(r.toString(), pending.get(i).entry().record().id());
        loadedTags.add(r.familiarString());
      }
    }
    return pending;
  }

  /**
   * Deletes the blobs and unpacked layers no image refers to, and returns the bytes of blobs
   * freed: what a load, import, pull or commit killed before it recorded its image left. Each
   * {@code rmi} applies the same rule to its image's content; this is for a start, before any
   * such operation runs. With an image record that cannot be read nothing is deleted, since its
   * content cannot be told from garbage.
   */
  public long removeUnreferenced() {
    if (!records.complete()) {
      LOG.warn("an image record could not be read: keeping every blob and layer");
      return 0;
    }
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
    OverlaySnapshotter.deleteRemoved(snapshotter.unpublishLayersExcept(liveChains));
    return freed;
  }

  @Override
  public void save(List<String> names, OutputStream out) {
    try (Lease lease = lease()) { // the blobs stay while they are streamed out
      List<ArchiveWriter.Item> items = read(() -> {
        Map<String, ArchiveWriter.Item> byId = new LinkedHashMap<>();
        for (String n : names) {
          Image img = resolveLocked(n);
          List<String> t = new ArrayList<>();
          if (!looksLikeId(n)) {
            t.add(Reference.parse(n).withDefaultTag().familiarString());
          }
          ArchiveWriter.Item prev = byId.get(img.id().toString());
          if (prev != null) {
            t.addAll(0, prev.tags());
          }
          byId.put(img.id().toString(), new ArchiveWriter.Item(img, t));
        }
        return new ArrayList<>(byId.values());
      });
      ArchiveWriter.write(items, content, out);
    }
  }

  @Override
  public Image resolve(String nameOrId) {
    return read(() -> resolveLocked(nameOrId));
  }

  private Image resolveLocked(String nameOrId) {
    if (nameOrId == null || nameOrId.isEmpty()) {
      throw new InvalidArgumentException("invalid reference format: empty image name");
    }
    String hex = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
    if (hex.matches("[a-f0-9]{4,64}")) {
      List<String> matches = records.hexes().stream().filter(k -> k.startsWith(hex)).toList();
      if (matches.size() == 1 && (hex.length() == 64 || nameOrId.startsWith("sha256:") || !tagged(nameOrId))) {
        return records.image(records.get(matches.getFirst()));
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
    String id = records.taggedId(r.toString());
    if (id == null && r.digest() != null) {
      id = records.repoDigests.image(r).orElse(null);
    }
    if (id == null && r.digest() != null) {
      for (ImageRecords.Entry e : records.all()) {
        if (e.record().manifest().equals(r.digest().toString())) {
          return records.image(e);
        }
      }
    }
    ImageRecords.Entry e = id == null ? null : records.get(Digest.parse(id).hex());
    if (e == null) {
      throw new NotFoundException("No such image: " + r.familiarString());
    }
    return records.image(e);
  }

  private boolean tagged(String name) {
    try {
      return records.taggedId(Reference.parse(name).withDefaultTag().toString()) != null;
    } catch (InvalidArgumentException e) {
      return false;
    }
  }

  private static boolean looksLikeId(String n) {
    return n.startsWith("sha256:") || n.matches("[a-f0-9]{12,64}");
  }

  @Override
  public List<Image> list() {
    return read(() -> records.all().stream().map(records::image).toList());
  }

  @Override
  public void tag(String source, String target) {
    Reference r = Reference.parse(target).withDefaultTag();
    if (r.digest() != null) {
      throw new InvalidArgumentException("refusing to create a tag with a digest reference");
    }
    write(() -> {
      records.retag(Map.of(r.toString(), resolveLocked(source).id().toString()), List.of());
      return null;
    });
  }

  @Override
  public List<DeleteItem> remove(String nameOrId, boolean force, Predicate<String> inUse) {
    List<DeleteItem> out = new ArrayList<>();
    Image gone = write(() -> {
      Image img = resolveLocked(nameOrId);
      String id = img.id().toString();
      boolean byId = looksLikeId(nameOrId) && !tagged(nameOrId);
      if (!byId) {
        Reference r = Reference.parse(nameOrId).withDefaultTag();
        boolean lastTag = img.repoTags().size() <= 1;
        if (lastTag && inUse.test(id) && !force) {
          throw new ConflictException("conflict: unable to remove repository reference \"" + nameOrId
              + "\" (must force) - container is using its referenced image " + img.id().shortHex());
        }
        records.retag(Map.of(), List.of(r.toString()));
        out.add(new DeleteItem(r.familiarString(), null));
        if (!lastTag || (inUse.test(id) && force)) {
          return null;
        }
      } else {
        if (inUse.test(id)) {
          throw new ConflictException("conflict: unable to delete " + img.id().shortHex()
              + " (cannot be forced) - image is being used by a container");
        }
        if (img.repoTags().size() > 1 && !force) {
          throw new ConflictException("conflict: unable to delete " + img.id().shortHex()
              + " (must be forced) - image is referenced in multiple repositories");
        }
        List<String> refs = records.tagsOf(id);
        records.retag(Map.of(), refs);
        refs.forEach(t -> out.add(new DeleteItem(Reference.parse(t).familiarString(), null)));
      }
      records.remove(img.id());
      out.add(new DeleteItem(null, id));
      return img;
    });
    if (gone != null) {
      reclaimer.reclaim(blobsOf(gone)); // unpublished: the files go now, outside the lock
    }
    return out;
  }

  private static List<Digest> blobsOf(Image img) {
    List<Digest> out = new ArrayList<>(img.layers());
    out.add(img.id());
    out.add(img.manifestDigest());
    return out;
  }

  @Override
  public void addRepoDigest(Reference name, Digest manifest, Digest image) {
    write(() -> {
      resolveLocked(image.toString());
      records.repoDigests.add(name, manifest, image);
      return null;
    });
  }

  @Override
  public PruneResult prune(boolean all, Predicate<String> inUse) {
    List<DeleteItem> out = new ArrayList<>();
    List<Digest> blobs = new ArrayList<>();
    long reclaimed = write(() -> {
      long total = 0;
      for (ImageRecords.Entry e : List.copyOf(records.all())) {
        Image img = records.image(e);
        if (inUse.test(img.id().toString()) || (!all && !img.repoTags().isEmpty())) {
          continue;
        }
        List<String> refs = records.tagsOf(img.id().toString());
        records.retag(Map.of(), refs);
        refs.forEach(t -> out.add(new DeleteItem(Reference.parse(t).familiarString(), null)));
        records.remove(img.id());
        out.add(new DeleteItem(null, img.id().toString()));
        blobs.addAll(blobsOf(img));
        total += img.size();
      }
      return total;
    });
    if (!out.isEmpty()) {
      reclaimer.reclaim(blobs);
    }
    return new PruneResult(out, reclaimed);
  }

  @Override
  public long layerSize(Image image, int index) {
    long s = snapshotter.layerSize(OverlaySnapshotter.chainIds(image.diffIds()).get(index));
    return s >= 0 ? s : content.size(image.layers().get(index));
  }

  private <T> T read(Supplier<T> body) {
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  private <T> T write(Supplier<T> body) {
    lock.writeLock().lock();
    try {
      return body.get();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
