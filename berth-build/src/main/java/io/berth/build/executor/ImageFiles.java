package io.berth.build.executor;

import java.nio.file.Path;

/**
 * Read access to an image's files, for what the builder must look at without running anything:
 * COPY --from's sources, {@code --chown} names in the image's /etc/passwd and /etc/group, and
 * whether a COPY destination is a directory in the image.
 */
public interface ImageFiles {

  /** A read view of {@code image}'s root file system until closed. */
  Mount mount(BuildImage image);

  /**
   * Whether {@code path} (absolute) is a directory in {@code image}, as the image's own root would
   * see it: symlinks on the way resolve inside the image, never onto the host.
   */
  boolean isDirectory(BuildImage image, String path);

  /** A mounted image; closing releases it (twice is harmless). */
  interface Mount extends AutoCloseable {
    Path root();

    @Override
    void close();
  }
}
