package io.berth.store.image;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Predicate;

/**
 * The local image store: images by id, the tags that name them, and the archive formats images
 * come in and leave by. Blobs live in the shared content store; unpacked layers live in the
 * snapshotter. All names are image references as users type them ({@code busybox},
 * {@code shop/order:1}, {@code host:5000/a/b@sha256:...}) or (short) ids.
 */
public interface ImageStore {

  /** Creates an image from a root filesystem tar (plain, gzip or zstd) as {@code docker import}. */
  Image importRootfs(InputStream tar, ImportOptions options);

  /**
   * Registers an image whose config and (uncompressed) layer blobs a pull already stored, and
   * points {@code tag} (nullable) at it. Layers must match the config's diff ids.
   */
  Image registerPulled(byte[] config, List<io.berth.oci.Digest> layers, String tag);

  /**
   * Unpacks layer {@code index} of an image with these diff ids, whose uncompressed blob is
   * stored, ahead of {@link #registerPulled}: a pull unpacks each layer while others download.
   */
  void unpackLayer(List<io.berth.oci.Digest> diffIds, int index);

  /**
   * Held (closed when done) by an operation that stores blobs or unpacks layers before it records
   * an image (a pull, a build, a container's root file system being prepared): while any lease is
   * held, nothing unused is deleted, so nothing it found or stored can vanish before it is named.
   * Import, load, save and registerPulled take one of their own. Take it before anything it
   * protects is looked at.
   */
  Lease lease();

  /** See {@link #lease()}; closing twice is harmless. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /** Loads a docker-archive ({@code docker save}) or OCI image layout tar; returns what it named. */
  LoadResult load(InputStream archive);

  /** Writes the images named into a docker-archive that also is an OCI image layout. */
  void save(List<String> names, OutputStream out);

  /** Resolves a reference, a full id, or an unambiguous id prefix. Throws NotFoundException. */
  Image resolve(String nameOrId);

  /** Records that {@code name}'s registry manifest {@code manifest} is {@code image} (RepoDigests). */
  void addRepoDigest(io.berth.oci.Reference name, io.berth.oci.Digest manifest, io.berth.oci.Digest image);

  List<Image> list();

  /** Points {@code target} (a reference with optional tag) at the image {@code source} names. */
  void tag(String source, String target);

  /**
   * Removes a tag, or the image when its last name goes (as {@code docker rmi}). An image that
   * {@code inUse} reports (by id) is refused with ConflictException unless {@code force}.
   */
  List<DeleteItem> remove(String nameOrId, boolean force, Predicate<String> inUse);

  /** Removes dangling images (all unused ones with {@code all}) not {@code inUse}. */
  PruneResult prune(boolean all, Predicate<String> inUse);

  /** Uncompressed size in bytes of the image's layer number {@code index} (0 = bottom). */
  long layerSize(Image image, int index);

  /** One line of {@code docker rmi} output: either {@code Untagged} or {@code Deleted} is set. */
  record DeleteItem(String untagged, String deleted) {}

  record PruneResult(List<DeleteItem> deleted, long spaceReclaimed) {}

  /** What a load brought in; {@code tags} may be empty when the archive named no tags. */
  record LoadResult(List<Image> images, List<String> tags) {}

  /**
   * Options of {@code docker import}: {@code changes} are Dockerfile lines (CMD, ENTRYPOINT,
   * ENV, EXPOSE, WORKDIR, USER, LABEL, VOLUME, STOPSIGNAL); {@code tag} may be null.
   */
  record ImportOptions(String tag, List<String> changes, String message, String platformArch) {}
}
