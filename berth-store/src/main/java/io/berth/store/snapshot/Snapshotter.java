package io.berth.store.snapshot;

import java.nio.file.Path;

/**
 * Unpacked layers and container root filesystems on overlayfs.
 *
 * <p>Vocabulary: a <em>layer</em> is an unpacked, read-only directory shared by every image
 * whose chain contains it (keyed by chain id, so identical stacks share); a container's
 * <em>key</em> is its id, and owns an upper and work directory on top of the image's layers.
 * Example: {@code prepare("c1", image)} unpacks missing layers, creates {@code c1}'s upper/work,
 * {@code mount("c1", dir)} mounts the overlay at {@code dir}; {@code remove("c1")} unmounts and
 * deletes the upper dir; the image's layers stay until the image is removed.
 */
public interface Snapshotter {

  /**
   * Ensures the layers are unpacked and creates {@code key}'s writable layer on top of them.
   * A layer the content store does not hold is NotFoundException, and then {@code key} is not
   * created; preparing a key that exists already is AlreadyExistsException.
   */
  void prepare(String key, RootfsLayers layers);

  /** Mounts the overlay for {@code key} at {@code target} (idempotent when already mounted). */
  void mount(String key, Path target);

  /** Unmounts {@code target} if mounted; no error when it is not. */
  void unmount(Path target);

  /** Deletes the writable layer of {@code key}. */
  void remove(String key);

  /** The keys that have a writable layer, so that throw-away ones a crash left can be found. */
  java.util.List<String> keys();

  /** Bytes written by the container (size of its upper dir), for {@code ps -s}/{@code system df}. */
  long usage(String key);

  /** The directory holding what {@code key} changed (overlay's upper dir), for commit and builds. */
  Path changes(String key);

  /**
   * What {@code key} changed against its image, as {@code docker diff} lists it, leaving out the
   * {@code ignored} container paths (mount points the runtime made).
   */
  java.util.List<OverlayChanges.Change> diff(String key, java.util.Set<String> ignored);

}
