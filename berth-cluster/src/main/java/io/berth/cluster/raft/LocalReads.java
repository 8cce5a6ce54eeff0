package io.berth.cluster.raft;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The reads of a {@link ClusterStore}, answered from this process's copy of the state: a Raft
 * member's applied state machine or the in-memory store's. Writes are what tell the two apart.
 */
abstract class LocalReads implements ClusterStore {
  /** The state the reads answer from. */
  abstract StoreState state();

  @Override
  public Optional<StoredObject> get(String kind, String key) {
    return state().get(kind, key);
  }

  @Override
  public List<StoredObject> list(String kind, String keyPrefix) {
    return state().list(kind, keyPrefix);
  }

  @Override
  public long index() {
    return state().index();
  }

  @Override
  public ChangeBatch changesSince(long afterIndex) {
    return state().changesSince(afterIndex);
  }

  @Override
  public long awaitIndex(long afterIndex, Duration timeout) throws InterruptedException {
    return state().awaitIndex(afterIndex, timeout);
  }
}
