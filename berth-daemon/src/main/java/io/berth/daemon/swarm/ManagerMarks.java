package io.berth.daemon.swarm;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.raft.RaftClusterStore;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.BerthException;
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
 * demoted node's member is taken out (the leader's own too: it then steps down), a promoted one
 * gets its mark once its member joined. A leader's duty, level-triggered: each pass writes only
 * the nodes whose marks differ, so a new leader corrects its predecessor's marks on its first pass.
 */
final class ManagerMarks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerMarks.class);
  private static final long PERIOD_MILLIS = 1000;

  private final ClusterState state;
  private final RaftClusterStore raft;
  private final String self;
  private final Thread thread;
  private volatile boolean closed;

  ManagerMarks(ClusterState state, RaftClusterStore raft, String self) {
    this.state = state;
    this.raft = raft;
    this.self = self;
    this.thread = Thread.ofPlatform().daemon().name("swarm-manager-marks").unstarted(this::run);
  }

  ManagerMarks start() {
    thread.start();
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
    // the leader's own member goes last: removing it ends this leadership
    demoted.sort(java.util.Comparator.comparing(self::equals));
    for (String id : demoted) {
      LOG.info("node {} was demoted: taking its member out of the Raft group", id);
      raft.removeMember(id);
    }
    return !batch.isEmpty() || !demoted.isEmpty();
  }

  private void run() {
    long index = 0;
    while (!closed) {
      try {
        pass();
        index = state.store().awaitIndex(index, java.time.Duration.ofMillis(PERIOD_MILLIS));
      } catch (InterruptedException e) {
        return;
      } catch (BerthException e) {
        LOG.debug("marking the managers: {}", e.getMessage());
        try {
          Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
