package io.berth.cluster.dispatcher;

import io.berth.cluster.raft.RaftClusterStore;
import io.berth.cluster.raft.RaftMember;
import java.util.List;
import java.util.UUID;

/**
 * The Raft group as a joining manager needs it: the group's id and members to start its own
 * member with, and the call that adds it once that member runs. Implemented over
 * {@code RaftClusterStore} (members(), addMember) and the group id the manager started with.
 */
public interface ManagerMembership {
  /** The Raft group id (the {@code cluster} UUID of the store's config) as text. */
  String groupId();

  List<RaftMember> members();

  /** Adds a started member; returns when the group committed the new membership. */
  void add(RaftMember member);

  /** The membership of {@code store}'s group, whose id is {@code group} (its config's {@code cluster}). */
  static ManagerMembership of(RaftClusterStore store, UUID group) {
    return new ManagerMembership() {
      @Override
      public String groupId() {
        return group.toString();
      }

      @Override
      public List<RaftMember> members() {
        return store.members();
      }

      @Override
      public void add(RaftMember member) {
        store.addMember(member);
      }
    };
  }
}
