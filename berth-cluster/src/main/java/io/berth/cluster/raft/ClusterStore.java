package io.berth.cluster.raft;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's state as the managers' loops see it: opaque values grouped by kind (nodes,
 * services, tasks, ...), each with a version that moves on every write. Writes are batches applied
 * atomically in one order on every member; reads answer from this member's copy, which on a
 * follower may lag the leader by the writes still in flight (a loop that acts on what it read
 * makes its write conditional on the version it read, so a stale read costs a retry, not a lost
 * update). A member reads its own writes: {@link #apply} returns once this member applied them.
 *
 * <p>Errors are the errdefs kinds: InvalidArgument for a bad name, AlreadyExists for a create of
 * an existing object, NotFound for an update or delete of a missing one, Conflict ("update out of
 * sequence") for an update from a stale version, Unavailable with Docker's quorum text when no
 * leader can commit the write in time.
 */
public interface ClusterStore extends AutoCloseable {

  /** Docker's text for a write that no leader commits (swarmkit's ErrNoLeader as the CLI shows it). */
  String NO_LEADER =
      "The swarm does not have a leader. It's possible that too few managers are online. "
          + "Make sure more than half of the managers are online.";

  /** Docker's text for an update made from a version that is no longer current. */
  String OUT_OF_SEQUENCE = "update out of sequence";

  Optional<StoredObject> get(String kind, String key);

  /** The objects of {@code kind} whose key starts with {@code keyPrefix} ("" for all), by key. */
  List<StoredObject> list(String kind, String keyPrefix);

  /** Applies {@code writes} as one: all of them at one new index, or none and an error. */
  List<StoredObject> apply(List<Write> writes);

  default StoredObject create(String kind, String key, byte[] value) {
    return apply(List.of(new Write.Create(kind, key, value))).getFirst();
  }

  default StoredObject update(String kind, String key, long version, byte[] value) {
    return apply(List.of(new Write.Update(kind, key, version, value))).getFirst();
  }

  default void delete(String kind, String key) {
    apply(List.of(new Write.Delete(kind, key)));
  }

  /**
   * The index of the last log entry this member has applied (0 for an empty store). It also moves
   * for entries that are not writes (a new leader's first entry, a membership change).
   */
  long index();

  /**
   * A read barrier: returns once this member has applied everything the leader had applied when
   * asked, so that reads which follow see every write acknowledged before the call, whichever
   * manager made it (Docker answers every control read from the leader). Best effort: with no
   * leader reachable within {@code timeout} it returns at once and reads stay this member's own.
   * A store with one copy has nothing to wait for.
   */
  default void sync(Duration timeout) {}

  /** The changes after {@code afterIndex} this member has applied (see {@link ChangeBatch}). */
  ChangeBatch changesSince(long afterIndex);

  /**
   * Waits until this member has applied a write after {@code afterIndex} or {@code timeout}
   * passed, and returns {@link #index()}; a level-triggered loop sleeps here between passes.
   */
  long awaitIndex(long afterIndex, Duration timeout) throws InterruptedException;

  @Override
  void close();
}
