package io.berth.cluster.raft;

import java.util.List;

/**
 * The cluster store without Raft, for unit tests of the loops above it: the same state and the
 * same apply code as a replicated member, with a counter for the log index. It passes the same
 * {@link ClusterStoreConformance} suite.
 */
public final class MemoryClusterStore extends LocalReads {
  private final StoreState state = new StoreState(8192);
  private long next;

  @Override
  StoreState state() {
    return state;
  }

  @Override
  public synchronized List<StoredObject> apply(List<Write> writes) {
    if (writes.isEmpty()) {
      throw new io.berth.errdefs.InvalidArgumentException("a cluster store batch needs at least one write");
    }
    List<StoredObject> out = state.apply(next + 1, List.copyOf(writes)).objectsOrThrow();
    next++;
    return out;
  }

  @Override
  public void close() {}
}
