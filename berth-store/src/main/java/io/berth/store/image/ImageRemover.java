package io.berth.store.image;

import java.util.List;
import java.util.function.Predicate;

/**
 * Taking images away: {@code docker rmi} and {@code docker image prune}. Whether an image is in
 * use is the caller's knowledge (containers live above the store), asked through {@code inUse}.
 */
public interface ImageRemover {

  /**
   * Removes a tag, or the image when its last name goes (as {@code docker rmi}). An image that
   * {@code inUse} reports (by id) is refused with ConflictException unless {@code force}.
   */
  List<DeleteItem> remove(String nameOrId, boolean force, Predicate<String> inUse);

  /** Removes dangling images (all unused ones with {@code all}) not {@code inUse}. */
  PruneResult prune(boolean all, Predicate<String> inUse);

  /** One line of {@code docker rmi} output: either {@code Untagged} or {@code Deleted} is set. */
  record DeleteItem(String untagged, String deleted) {}

  record PruneResult(List<DeleteItem> deleted, long spaceReclaimed) {}
}
