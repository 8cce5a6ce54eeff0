package io.berth.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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

  @Test
  void termLeaderChangesAndCommitTimesAreThereForMetrics() {
    RaftClusterStore raft = (RaftClusterStore) store;
    io.berth.cluster.metrics.ClusterTallies tallies = new io.berth.cluster.metrics.ClusterTallies();
    raft.observe(tallies);
    assertThat(raft.term()).isGreaterThanOrEqualTo(1);
    assertThat(raft.leaderChanges()).as("the election that made this member leader").isGreaterThanOrEqualTo(1);
    store.create("services", "s1", "web".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    store.create("services", "s2", "db".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(tallies.commits().count()).isEqualTo(2);
    assertThat(tallies.commits().seconds()).isPositive();
    assertThat(tallies.failedCommits()).isZero();
  }
}
