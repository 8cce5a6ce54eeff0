package io.berth.cluster.raft;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster store without Raft, for unit tests of the loops above it: the same state and the
 * same apply code as a replicated member, with a counter for the log index. It passes the same
 * {@link ClusterStoreConformance} suite.
 */
public final class MemoryClusterStore implements ClusterStore {
  private final StoreState state = new StoreState(8192);
  private long next;

  @Override
  public Optional<StoredObject> get(String kind, String key) {
    return state.get(kind, key);
  }

  @Override
  public List<StoredObject> list(String kind, String keyPrefix) {
    return state.list(kind, keyPrefix);
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
  public long index() {
    return state.index();
  }

  @Override
  public ChangeBatch changesSince(long afterIndex) {
    return state.changesSince(afterIndex);
  }

  @Override
  public long awaitIndex(long afterIndex, Duration timeout) throws InterruptedException {
    return state.awaitIndex(afterIndex, timeout);
  }

  @Override
  public void close() {}
}
