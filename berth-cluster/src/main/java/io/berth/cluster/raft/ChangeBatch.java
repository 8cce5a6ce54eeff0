package io.berth.cluster.raft;

import java.util.List;

/**
 * The changes after an index, up to {@code index}. {@code complete} is false when the store no
 * longer holds every change since the index asked for (its history is bounded and starts afresh
 * at a restart or a snapshot install): a level-triggered loop then lists the kinds it watches
 * again, which is what it does at start anyway, and continues from {@code index}.
 */
public record ChangeBatch(List<Change> changes, long index, boolean complete) {
  public ChangeBatch {
    changes = List.copyOf(changes);
  }
}
