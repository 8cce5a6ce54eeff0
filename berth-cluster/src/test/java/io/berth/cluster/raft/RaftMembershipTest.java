package io.berth.cluster.raft;

import static io.berth.cluster.raft.ClusterStoreConformance.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Managers join and leave a live group: init with one, grow, shrink. */
class RaftMembershipTest {
  @TempDir Path dir;

  @Test
  void managersJoinAndLeaveWhileTheGroupKeepsItsState() {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(1)) {
      RaftClusterStore m1 = g.get("m1");
      StoredObject s = m1.create("services", "s1", b("web"));

      for (String id : List.of("m2", "m3")) {
        List<RaftMember> peers = new ArrayList<>(m1.members());
        RaftClusterStore joining = g.start(id, withSelf(peers, g, id));
        m1.addMember(g.member(id));
        g.awaitApplied(s.version());
        assertThat(joining.get("services", "s1")).contains(s);
      }
      RaftTestGroup.await("three members everywhere",
          () -> g.running().stream().allMatch(m -> m.members().size() == 3));

      // a joined manager's writes are replicated
      StoredObject t = g.get("m3").create("tasks", "t1", b("task"));
      g.awaitApplied(t.version());
      assertThat(m1.get("tasks", "t1")).contains(t);

      // the first manager leaves (demote): the other two elect a leader and go on
      g.get("m2").removeMember("m1");
      g.stop("m1");
      RaftTestGroup.await("two members on m2 and m3",
          () -> g.running().stream().allMatch(m -> m.members().size() == 2));
      g.awaitLeader(); // the two elect one first (slow on a loaded machine: the write has no retries)
      StoredObject u = g.get("m2").update("services", "s1", s.version(), b("web v2"));
      g.awaitApplied(u.version());
      assertThat(g.get("m3").get("services", "s1")).contains(u);

      assertThatThrownBy(() -> g.get("m2").removeMember("m9")).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> g.get("m2").addMember(g.member("m3")))
          .isInstanceOf(FailedPreconditionException.class);
    }
  }

  @ParameterizedTest(name = "{0} managers")
  @ValueSource(ints = {5, 7})
  void aGroupWritesWithAnyMinorityDownAndNotBeyond(int managers) {
    try (RaftTestGroup g = new RaftTestGroup(dir).startAll(managers)) {
      int tolerated = (managers - 1) / 2;
      for (int i = managers; i > managers - tolerated; i--) {
        g.stop("m" + i);
      }
      StoredObject o = g.get("m1").create("nodes", "n1", b("still a quorum"));
      g.awaitApplied(o.version());
      assertThat(g.get("m2").get("nodes", "n1")).contains(o);
      g.stop("m" + (managers - tolerated));
      assertThatThrownBy(() -> g.get("m1").create("nodes", "n2", b("no quorum")))
          .isInstanceOf(UnavailableException.class)
          .hasMessage(ClusterStore.NO_LEADER);
    }
  }

  private static List<RaftMember> withSelf(List<RaftMember> peers, RaftTestGroup g, String id) {
    List<RaftMember> out = new ArrayList<>(peers);
    out.add(g.member(id));
    return out;
  }
}
