package io.berth.daemon.swarm;

import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.state.ClusterState;
import io.berth.errdefs.BerthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's marks on the managers' nodes, what {@code docker node ls} shows as MANAGER STATUS:
 * itself Leader, the others not, and each Reachable while its node is ready, Unreachable when the
 * dispatcher saw it go down. A leader's duty, level-triggered: each pass writes only the nodes
 * whose marks differ, so a new leader corrects its predecessor's marks on its first pass.
 */
final class ManagerMarks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerMarks.class);
  private static final long PERIOD_MILLIS = 1000;

  private final ClusterState state;
  private final String self;
  private final Thread thread;
  private volatile boolean closed;

  ManagerMarks(ClusterState state, String self) {
    this.state = state;
    this.self = self;
    this.thread = Thread.ofPlatform().daemon().name("swarm-manager-marks").unstarted(this::run);
  }

  ManagerMarks start() {
    thread.start();
    return this;
  }

  /** One pass: the batch of marks that differ from what should be, applied; false if nothing changed. */
  boolean pass() {
    ClusterState.Batch batch = state.batch();
    for (Node n : state.nodes()) {
      if (n.spec().role() != NodeRole.MANAGER || n.managerStatus() == null) {
        continue;
      }
      ManagerStatus want = new ManagerStatus(n.id().equals(self),
          n.status().state() == NodeState.DOWN ? ManagerStatus.Reachability.UNREACHABLE
              : ManagerStatus.Reachability.REACHABLE, n.managerStatus().addr());
      if (!want.equals(n.managerStatus())) {
        batch.update(n.withManagerStatus(want));
      }
    }
    batch.apply();
    return !batch.isEmpty();
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
