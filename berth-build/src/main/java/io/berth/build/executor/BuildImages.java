package io.berth.build.executor;

import io.berth.oci.Digest;
import io.berth.oci.ImageConfig;
import java.nio.file.Path;

/**
 * Where a build finds its base images and leaves its results. A daemon backs it with its image
 * store; a daemonless or cluster builder could resolve by pulling and write to an OCI layout or a
 * registry. The builder assembles every config itself; this only stores what it is given.
 */
public interface BuildImages {

  /**
   * The image a FROM or COPY --from names (a reference as users type it, or an id).
   *
   * @throws io.berth.errdefs.NotFoundException when there is no such image
   */
  BuildImage resolve(String reference);

  /** Stores the files under {@code tree} (at their image paths, owners and modes as they are) as one layer; returns its diff id. */
  Digest storeLayer(Path tree);

  /** Records an image with this config; every layer its rootfs names is stored already (a parent's, a RUN's or {@link #storeLayer}'s). */
  BuildImage register(ImageConfig config);

  /** Points {@code name} (a reference with a tag) at {@code image}; called only once every step succeeded. */
  void tag(BuildImage image, String name);
}
