package io.berth.cluster.raft;

import static io.berth.cluster.raft.ClusterStoreConformance.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.ConflictException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three managers in one process on loopback: replication, failover, quorum loss, restart. */
class RaftGroupTest {
  @TempDir Path dir;

  @Test
  void aWriteOnAnyMemberIsSeenByEveryMember() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      RaftClusterStore follower = g.aFollower();
      StoredObject o = follower.create("services", "s1", b("web"));
      g.awaitApplied(o.version());
      for (RaftClusterStore s : g.running()) {
        assertThat(s.get("services", "s1")).contains(o);
      }
    }
  }

  @Test
  void aFollowerThatWroteReadsItsOwnWrite() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      RaftClusterStore follower = g.aFollower();
      StoredObject o = follower.create("services", "s1", b("v0"));
      for (int i = 1; i <= 50; i++) {
        o = follower.update("services", "s1", o.version(), b("v" + i));
        assertThat(follower.get("services", "s1")).contains(o);
      }
    }
  }

  @Test
  void afterSyncAFollowerReadsWhatTheLeaderWrote() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      RaftClusterStore leader = g.awaitLeader();
      RaftClusterStore follower = g.aFollower();
      StoredObject o = leader.create("services", "s1", b("v0"));
      // a follower learns that an entry committed only with the leader's next message, so
      // without the barrier most of these reads would answer the previous version
      for (int i = 1; i <= 30; i++) {
        o = leader.update("services", "s1", o.version(), b("v" + i));
        follower.sync(Duration.ofSeconds(5));
        assertThat(follower.get("services", "s1")).as("read after write %d", i).contains(o);
      }
    }
  }

  @Test
  void syncWithoutALeaderReturnsAndReadsStillAnswer() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      StoredObject o = g.awaitLeader().create("services", "s1", b("web"));
      g.awaitApplied(o.version());
      RaftClusterStore survivor = g.aFollower();
      List<String> others = g.running().stream().filter(s -> s != survivor).map(RaftClusterStore::id).toList();
      others.forEach(g::stop);
      survivor.sync(Duration.ofSeconds(1));
      assertThat(survivor.get("services", "s1")).contains(o);
    }
  }

  @Test
  void aStaleUpdateFromAFollowerIsRefused() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      RaftClusterStore leader = g.awaitLeader();
      RaftClusterStore follower = g.aFollower();
      StoredObject o = leader.create("nodes", "n1", b("a"));
      leader.update("nodes", "n1", o.version(), b("b"));
      assertThatThrownBy(() -> follower.update("nodes", "n1", o.version(), b("c")))
          .isInstanceOf(ConflictException.class)
          .hasMessageStartingWith(ClusterStore.OUT_OF_SEQUENCE);
    }
  }

  @Test
  void whenTheLeaderStopsANewOneIsElectedAndNoCommittedWriteIsLost() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      RaftClusterStore leader = g.awaitLeader();
      List<StoredObject> written = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        written.add(leader.create("tasks", "t" + i, b("task " + i)));
      }
      String old = leader.id();
      g.stop(old);
      RaftClusterStore next = g.awaitLeader();
      assertThat(next.id()).isNotEqualTo(old);
      written.add(g.aFollower().create("tasks", "after", b("after failover")));
      g.awaitApplied(written.getLast().version());
      for (RaftClusterStore s : g.running()) {
        assertThat(s.list("tasks", "")).containsExactlyInAnyOrderElementsOf(written);
      }
    }
  }

  @Test
  void withoutAQuorumWritesFailWithDockersErrorAndReadsStillAnswer() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      StoredObject o = g.awaitLeader().create("services", "s1", b("web"));
      g.awaitApplied(o.version());
      RaftClusterStore survivor = g.get("m1");
      g.stop("m2");
      g.stop("m3");
      assertThatThrownBy(() -> survivor.create("services", "s2", b("db")))
          .isInstanceOf(UnavailableException.class)
          .hasMessage(ClusterStore.NO_LEADER);
      assertThat(survivor.get("services", "s1")).contains(o);
      assertThat(survivor.list("services", "")).containsExactly(o);
    }
  }

  @Test
  void aGroupRestartedFromItsDirectoriesHasItsStateBack() {
    List<StoredObject> written = new ArrayList<>();
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(3)) {
      RaftClusterStore leader = g.awaitLeader();
      StoredObject s = leader.create("services", "s1", b("v1"));
      written.add(leader.update("services", "s1", s.version(), b("v2")));
      written.add(leader.create("services", "s2", b("other")));
      g.awaitApplied(written.getLast().version());
      for (String id : List.of("m1", "m2", "m3")) {
        g.stop(id);
      }
      for (String id : List.of("m1", "m2", "m3")) {
        g.restart(id);
      }
      g.awaitLeader();
      g.awaitApplied(written.getLast().version());
      for (RaftClusterStore m : g.running()) {
        assertThat(m.list("services", "")).containsExactlyElementsOf(written);
      }
      // and the restarted group takes writes again, from the versions it recovered
      g.aFollower().update("services", "s1", written.getFirst().version(), b("v3"));
    }
  }
}
