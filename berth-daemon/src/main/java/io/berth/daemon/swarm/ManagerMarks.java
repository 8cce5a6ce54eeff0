package io.berth.daemon.swarm;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.raft.RaftClusterStore;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoreWatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's marks on the managers' nodes, what {@code docker node ls} shows as MANAGER STATUS:
 * itself Leader, the others not, and each Reachable while its node is ready, Unreachable when the
 * dispatcher saw it go down; and the Raft group kept to the nodes whose role is manager: a
 * demoted node's member is taken out (a demoted leader first hands the lead to a manager that
 * stays, which then takes it out), a promoted one gets its mark once its member joined. A leader's duty, level-triggered: each pass writes only
 * the nodes whose marks differ, so a new leader corrects its predecessor's marks on its first pass.
 */
final class ManagerMarks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerMarks.class);
  private static final long PERIOD_MILLIS = 1000;

  private final ClusterState state;
  private final RaftClusterStore raft;
  private final String self;
  private StoreWatch watch;

  ManagerMarks(ClusterState state, RaftClusterStore raft, String self) {
    this.state = state;
    this.raft = raft;
    this.self = self;
  }

  ManagerMarks start() {
    watch = StoreWatch.start(state, java.time.Duration.ofMillis(PERIOD_MILLIS), "swarm manager marks", this::pass);
    return this;
  }

  /** One pass: the batch of marks that differ from what should be, applied; false if nothing changed. */
  boolean pass() {
    Map<String, RaftMember> members = new HashMap<>();
    raft.members().forEach(m -> members.put(m.id(), m));
    ClusterState.Batch batch = state.batch();
    List<String> demoted = new ArrayList<>();
    for (Node n : state.nodes()) {
      RaftMember member = members.get(n.id());
      ManagerStatus want;
      if (n.spec().role() == NodeRole.MANAGER) {
        // a promoted node is marked once its member is in the group; until then it is not a manager yet
        want = member == null ? n.managerStatus() : new ManagerStatus(n.id().equals(self),
            n.status().state() == NodeState.DOWN ? ManagerStatus.Reachability.UNREACHABLE
                : ManagerStatus.Reachability.REACHABLE, SwarmNode.dispatcherAddress(member));
      } else {
        want = null;
        if (member != null) {
          demoted.add(n.id());
        }
      }
      if (!java.util.Objects.equals(want, n.managerStatus())) {
        batch.update(n.withManagerStatus(want));
      }
    }
    batch.apply();
    for (String id : demoted) {
      if (!id.equals(self)) {
        LOG.info("node {} was demoted: taking its member out of the Raft group", id);
        raft.removeMember(id);
      }
    }
    if (demoted.contains(self)) {
      // a leader does not take itself out: it hands the lead to a manager that stays, whose
      // marks then take this member out (removing the leader's own member is Raft's most
      // delicate change, and under load it was the one that did not finish)
      String heir = members.keySet().stream().filter(id -> !demoted.contains(id)).sorted().findFirst()
          .orElseThrow(() -> new io.berth.errdefs.FailedPreconditionException(
              "this manager was demoted but no other manager remains to lead"));
      LOG.info("this manager was demoted: handing the lead to {}", heir);
      raft.transferLeadership(heir);
    }
    return !batch.isEmpty() || !demoted.isEmpty();
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }
}
