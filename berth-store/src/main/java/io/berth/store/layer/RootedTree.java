package io.berth.store.layer;

import java.nio.file.Path;
import java.util.List;

/**
 * A tree of files addressed by path components below its root (symlinks already resolved, never
 * {@code ..}): {@link #host} says which host file holds a path. A layer unpacks into one directory
 * ({@link #of}); {@code docker cp} reads and writes a container's file system, where a path below
 * a volume or bind mount lives in the mount's source, a read-only mount refuses writes and a
 * mount point cannot be replaced; the container's tree implements those rules.
 * {@link LayerApplier} writes into a tree, {@link TreeArchiver} reads one.
 */
public interface RootedTree {

  /** The host path of {@code parts} (empty: the root itself). */
  Path host(List<String> parts);

  /** Throws an InvalidArgumentException when nothing may be written at {@code parts}. */
  default void checkWritable(List<String> parts) {}

  /** Whether {@code parts} is a mount point, which an entry may merge into but never replace. */
  default boolean mountPoint(List<String> parts) {
    return false;
  }

  /** How errors name {@code parts} (a container path for a copy). */
  default String display(List<String> parts) {
    return String.join("/", parts);
  }

  /** A plain directory. */
  static RootedTree of(Path dir) {
    return parts -> {
      Path p = dir;
      for (String s : parts) {
        p = p.resolve(s);
      }
      return p;
    };
  }
}
