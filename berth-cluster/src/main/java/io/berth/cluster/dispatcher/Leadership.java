package io.berth.cluster.dispatcher;

import io.berth.cluster.raft.RaftClusterStore;
import java.util.Optional;

/**
 * Whether this manager leads the Raft group, and who does: only the leader's dispatcher keeps
 * sessions and heartbeat deadlines (one writer of node status), the others send nodes to it.
 * {@link RaftClusterStore} answers both; {@link #ALWAYS} is a single manager that always leads
 * (tests over an in-memory store).
 */
public interface Leadership {
  Leadership ALWAYS = new Leadership() {
    @Override
    public boolean isLeader() {
      return true;
    }

    @Override
    public Optional<String> leaderId() {
      return Optional.empty();
    }
  };

  boolean isLeader();

  /** The leading manager's node id, when one is known. */
  Optional<String> leaderId();

  static Leadership of(RaftClusterStore store) {
    return new Leadership() {
      @Override
      public boolean isLeader() {
        return store.isLeader();
      }

      @Override
      public Optional<String> leaderId() {
        return store.leader();
      }
    };
  }
}
