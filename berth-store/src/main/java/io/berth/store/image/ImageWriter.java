package io.berth.store.image;

import io.berth.oci.Digest;
import io.berth.oci.Reference;
import java.io.InputStream;
import java.util.List;

/**
 * Making and naming images: what a pull, an import, a commit or a build does. It reads too, since
 * each of them looks up what it builds on (a commit's parent, a build's base) under the same lease.
 */
public interface ImageWriter extends ImageReader {

  /** Creates an image from a root filesystem tar (plain, gzip or zstd) as {@code docker import}. */
  Image importRootfs(InputStream tar, ImportOptions options);

  /**
   * Registers an image whose config and (uncompressed) layer blobs a pull already stored, and
   * points {@code tag} (nullable) at it. Layers must match the config's diff ids.
   */
  Image registerPulled(byte[] config, List<Digest> layers, String tag);

  /**
   * Unpacks layer {@code index} of an image with these diff ids, whose uncompressed blob is
   * stored, ahead of {@link #registerPulled}: a pull unpacks each layer while others download.
   */
  void unpackLayer(List<Digest> diffIds, int index);

  /** Points {@code target} (a reference with optional tag) at the image {@code source} names. */
  void tag(String source, String target);

  /** Records that {@code name}'s registry manifest {@code manifest} is {@code image} (RepoDigests). */
  void addRepoDigest(Reference name, Digest manifest, Digest image);

  /**
   * Options of {@code docker import}: {@code changes} are Dockerfile lines (CMD, ENTRYPOINT,
   * ENV, EXPOSE, WORKDIR, USER, LABEL, VOLUME, STOPSIGNAL); {@code tag} may be null.
   */
  record ImportOptions(String tag, List<String> changes, String message, String platformArch) {}
}
