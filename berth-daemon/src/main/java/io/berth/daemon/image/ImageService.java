package io.berth.daemon.image;

import io.berth.daemon.container.Container;
import io.berth.daemon.container.ContainerService;
import io.berth.daemon.events.EventBus;
import io.berth.distribution.Credentials;
import io.berth.distribution.LayerIndex;
import io.berth.distribution.PullListener;
import io.berth.distribution.Pulled;
import io.berth.distribution.Pusher;
import io.berth.distribution.RegistryAccess;
import io.berth.distribution.RegistryClient;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.oci.ContainerConfig;
import io.berth.oci.ImageConfig;
import io.berth.oci.Reference;
import io.berth.store.content.ContentStore;
import io.berth.store.image.Image;
import io.berth.store.image.ImageStore;
import io.berth.store.image.ImportChanges;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The image use-cases of the Engine API: list, history, tag, remove, prune, import, commit, pull,
 * push, load and save, each with its event. Checks that can fail a request (a bad name, an unknown
 * image or compression) come before anything is streamed, so the route can still answer 4xx;
 * progress goes to a {@link PullListener} that the route turns into Docker's JSON lines.
 */
public final class ImageService {
  private final ImageStore images;
  private final ContainerService containers;
  private final EventBus events;
  private final ContentStore content;
  private final Path pushScratch;
  private final LayerIndex layerIndex;
  private final RegistryAccess access;
  private final Predicate<String> intermediate;
  private final ImageCommitter committer;
  private volatile TransferObserver transfers = TransferObserver.NONE;

  /**
   * {@code pushScratch}: where a push stages compressed layers; {@code intermediate}: whether an
   * image id is a build step's (hidden from a list without {@code all}).
   */
  public ImageService(ImageStore images, ContainerService containers, EventBus events, ContentStore content,
      Path pushScratch, LayerIndex layerIndex, RegistryAccess access, Predicate<String> intermediate,
      ImageCommitter committer) {
    this.images = images;
    this.containers = containers;
    this.events = events;
    this.content = content;
    this.pushScratch = pushScratch;
    this.layerIndex = layerIndex;
    this.access = access;
    this.intermediate = intermediate;
    this.committer = committer;
  }

  /** What {@code docker images} asks for: filters, {@code -a}, and whether to count containers. */
  public record ListQuery(boolean danglingOnly, String reference, boolean all, boolean countContainers) {}

  /** An image of a list; {@code containers} is -1 when not counted. */
  public record Listed(Image image, int containers) {}

  /** Images newest first, as {@code docker images} shows them. */
  public List<Listed> list(ListQuery query) {
    List<Image> list = new ArrayList<>(images.list());
    list.sort((a, b) -> b.created().compareTo(a.created()));
    List<Listed> out = new ArrayList<>();
    for (Image i : list) {
      if (query.danglingOnly() && !i.repoTags().isEmpty()) {
        continue;
      }
      if (!query.all() && i.repoTags().isEmpty() && intermediate.test(i.id().toString())) {
        continue; // a build step's image: shown with -a, as Docker's intermediate images
      }
      String ref = query.reference();
      if (ref != null && i.repoTags().stream().noneMatch(t -> t.equals(ref) || t.startsWith(ref + ":")
          || globMatch(ref, t))) {
        continue;
      }
      out.add(new Listed(i, query.countContainers() ? (int) containers.list().stream()
          .filter(c -> c.imageId.equals(i.id().toString())).count() : -1));
    }
    return out;
  }

  private static boolean globMatch(String pattern, String tag) {
    String re = pattern.replace(".", "\\.").replace("*", "[^/]*").replace("?", ".");
    return tag.matches(re) || tag.matches(re + ":.*");
  }

  public Image get(String name) {
    return images.resolve(name);
  }

  /** One line of {@code docker history}, newest first; {@code id} is "&lt;missing&gt;" but for the image's own. */
  public record HistoryEntry(String id, long created, String createdBy, List<String> tags, long size,
      String comment) {}

  public List<HistoryEntry> history(String name) {
    Image i = images.resolve(name);
    List<ImageConfig.History> hist = i.config().history() == null ? List.of() : i.config().history();
    int layer = i.layers().size() - 1;
    List<HistoryEntry> rows = new ArrayList<>();
    for (int k = hist.size() - 1; k >= 0; k--) {
      ImageConfig.History h = hist.get(k);
      boolean empty = Boolean.TRUE.equals(h.emptyLayer());
      boolean own = k == hist.size() - 1;
      rows.add(new HistoryEntry(own ? i.id().toString() : "<missing>",
          h.created() == null ? 0 : Instant.parse(h.created()).getEpochSecond(),
          h.createdBy() == null ? "" : h.createdBy(), own ? i.repoTags() : List.of(),
          empty || layer < 0 ? 0 : images.layerSize(i, layer), h.comment() == null ? "" : h.comment()));
      if (!empty) {
        layer--;
      }
    }
    return rows;
  }

  /** {@code docker tag}: {@code repo} with {@code tag} (empty: the repo's default). */
  public void tag(String name, String repo, String tag) {
    if (repo == null || repo.isEmpty()) {
      throw new InvalidArgumentException("repository name must have at least one component");
    }
    String target = tag == null || tag.isEmpty() ? repo : repo + ":" + tag;
    Image i = images.resolve(name);
    images.tag(name, target);
    events.publish("image", "tag", i.id().toString(), Map.of("name", target));
  }

  /** {@code docker rmi}: what was untagged and deleted, in order. */
  public List<ImageStore.DeleteItem> remove(String name, boolean force) {
    List<ImageStore.DeleteItem> items = images.remove(name, force, containers::imageInUse);
    for (ImageStore.DeleteItem d : items) {
      if (d.untagged() != null) {
        events.publish("image", "untag", d.untagged(), Map.of("name", d.untagged()));
      } else {
        events.publish("image", "delete", d.deleted(), Map.of("name", d.deleted()));
      }
    }
    return items;
  }

  /** {@code docker image prune}: dangling images, or with {@code all} every image no container uses. */
  public ImageStore.PruneResult prune(boolean all) {
    return images.prune(all, containers::imageInUse);
  }

  /** {@code docker import}: the tar {@code rootfs} as an image named {@code repo[:tag]} (none when empty). */
  public Image importRootfs(InputStream rootfs, String repo, String tag, List<String> changes, String message) {
    String target = repo == null || repo.isEmpty() ? null : (tag == null || tag.isEmpty() ? repo : repo + ":" + tag);
    Image i = images.importRootfs(rootfs, new ImageStore.ImportOptions(target, changes, message, null));
    events.publish("image", "import", i.id().toString(), Map.of("name", target == null ? "" : target));
    return i;
  }

  /** What {@code docker commit} sets: a name (none when repo is empty), Dockerfile-style changes, comment, author. */
  public record CommitRequest(String repo, String tag, List<String> changes, String comment, String author) {}

  /**
   * {@code docker commit}: the container's changes as a new image that keeps the run-time
   * settings of the container's image, with {@code changes} applied.
   */
  public Image commit(String containerRef, CommitRequest req) {
    Container c = containers.get(containerRef);
    String name = req.repo() == null || req.repo().isEmpty() ? null
        : req.repo() + (req.tag() == null || req.tag().isEmpty() ? "" : ":" + req.tag());
    ContainerConfig base = images.resolve(c.imageId).config().config();
    ContainerConfig cfg = ImportChanges.apply(base == null ? ContainerConfig.empty() : base, req.changes());
    Image img = committer.commit(c, cfg, "", req.comment(), req.author(), name);
    events.publish("container", "commit", c.id, Map.of("comment", req.comment() == null ? "" : req.comment()));
    return img;
  }

  /**
   * The reference {@code docker pull} names ({@code tag} may be a digest); checked before the
   * progress stream starts, so a bad name is a 400.
   */
  public static Reference pullReference(String fromImage, String tag) {
    if (fromImage == null || fromImage.isEmpty()) {
      throw new InvalidArgumentException("fromImage or fromSrc is required");
    }
    String name = tag == null || tag.isEmpty() ? fromImage
        : (tag.startsWith("sha256:") ? fromImage + "@" + tag : fromImage + ":" + tag);
    return Reference.parse(name);
  }

  /** A pulled image and the digest of the manifest it came from. */
  public record PullResult(Image image, io.berth.oci.Digest manifestDigest) {}

  /**
   * Pulls {@code ref} for {@code platform} (null: this host's) with the client's credentials,
   * storing what is missing; the image is named by the reference's tag (none for a digest).
   */
  public PullResult pull(Reference ref, String platform, Credentials credentials, PullListener listener) {
    Reference shown = ref.withDefaultTag();
    TransferTally progress = new TransferTally(listener, "Download complete");
    boolean ok = false;
    // the lease keeps what the pull finds stored ("Already exists") or stores until its image is recorded
    try (ImageStore.Lease lease = images.lease()) {
      Pulled p = new RegistryClient(content, layerIndex, access.with(credentials))
          .pull(ref, platform, progress, images::unpackLayer);
      Image img = images.registerPulled(p.config(), p.layers(), shown.tag() != null ? shown.toString() : null);
      images.addRepoDigest(ref, p.manifestDigest(), img.id());
      events.publish("image", "pull", img.id().toString(), Map.of("name", shown.familiarString()));
      ok = true;
      return new PullResult(img, p.manifestDigest());
    } finally {
      transfers.pulled(ok, progress.bytes());
    }
  }

  /**
   * {@code GET /distribution/NAME/json}: what the registry holds under {@code name}, asked with the
   * client's credentials; the docker CLI pins a service's image to the digest it answers.
   */
  public io.berth.distribution.Described describe(String name, Credentials credentials) {
    Reference ref = Reference.parse(name);
    return new RegistryClient(content, layerIndex, access.with(credentials)).describe(ref);
  }

  /** What a push sends: the reference (default tag filled in) and its image, both checked. */
  public record PushTarget(Reference ref, Image image, LayerIndex.Kind compression) {}

  /**
   * Resolves what {@code docker push name[:tag]} sends, before any progress is streamed.
   * {@code compression}: Berth's extension, gzip (default, what docker clients get) or zstd.
   */
  public PushTarget pushTarget(String name, String tag, String compression) {
    Reference ref = Reference.parse(name + (tag == null || tag.isEmpty() ? "" : ":" + tag)).withDefaultTag();
    Image img = images.resolve(ref.toString());
    return new PushTarget(ref, img, compression(compression));
  }

  private static LayerIndex.Kind compression(String c) {
    if (c == null || c.isEmpty() || c.equals("gzip")) {
      return LayerIndex.Kind.GZIP;
    }
    if (c.equals("zstd")) {
      return LayerIndex.Kind.ZSTD;
    }
    throw new InvalidArgumentException("unknown compression " + c + ": use gzip or zstd");
  }

  /** Pushes the layers the registry lacks, then the manifest; records the digest it got. */
  public Pusher.Pushed push(PushTarget target, Credentials credentials, PullListener listener) {
    TransferTally progress = new TransferTally(listener, "Pushed");
    boolean ok = false;
    try {
      Pusher.Pushed p = new Pusher(content, pushScratch, layerIndex, access.with(credentials))
          .push(target.ref(), target.image(), target.compression(), progress);
      images.addRepoDigest(target.ref(), p.digest(), target.image().id());
      events.publish("image", "push", target.image().id().toString(), Map.of("name", target.ref().familiarString()));
      ok = true;
      return p;
    } finally {
      transfers.pushed(ok, progress.bytes());
    }
  }

  /** Who hears of each pull and push, with the layer bytes that moved: metrics. */
  public void observeTransfers(TransferObserver transfers) {
    this.transfers = transfers;
  }

  /** {@code docker load}: the images and tags of the archive. */
  public ImageStore.LoadResult load(InputStream archive) {
    ImageStore.LoadResult r = images.load(archive);
    for (Image i : r.images()) {
      events.publish("image", "load", i.id().toString(), Map.of("name", i.id().toString()));
    }
    return r;
  }

  /** Where a save writes: opened only once every name has resolved (so an unknown one is a 404). */
  @FunctionalInterface
  public interface Destination {
    OutputStream open() throws IOException;
  }

  /** {@code docker save}: the named images as one archive. */
  public void save(List<String> names, Destination destination) throws IOException {
    if (names.isEmpty()) {
      throw new InvalidArgumentException("no images named");
    }
    for (String n : names) {
      images.resolve(n);
    }
    OutputStream out = destination.open();
    images.save(names, new BufferedOutputStream(out, 256 * 1024) {
      @Override
      public void close() throws IOException {
        flush();
      }
    });
    out.close();
    for (String n : names) {
      events.publish("image", "save", images.resolve(n).id().toString(), Map.of("name", n));
    }
  }
}
