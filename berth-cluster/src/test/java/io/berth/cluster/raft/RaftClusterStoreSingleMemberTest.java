package io.berth.cluster.raft;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a one-manager swarm: every write still goes through the Raft log. */
class RaftClusterStoreSingleMemberTest extends ClusterStoreConformance {
  @TempDir Path dir;
  private RaftTestGroup group;

  @Override
  protected ClusterStore open() {
    group = new RaftTestGroup(dir).startAll(1);
    return group.get("m1");
  }
}
