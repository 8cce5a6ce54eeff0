package io.berth.daemon.swarm;

import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.dispatcher.DispatcherClient;
import io.berth.cluster.dispatcher.DispatcherSession;
import io.berth.cluster.dispatcher.Messages;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.raft.RaftMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code docker node promote/demote} as the node itself lives it: the managers changed its role
 * in the store and say so in its session; the node then renews its certificate (the CA signs the
 * new role), and a promoted node starts a Raft member in the group and asks to be added, while a
 * demoted one waits until the leader has taken its member out of the group, then renews, stops
 * its manager's work and drops its Raft log. Its task containers keep running throughout: the
 * agent restarts and adopts them.
 */
final class RoleChange {
  private static final Logger LOG = LoggerFactory.getLogger(RoleChange.class);

  private RoleChange() {}

  static Membership promote(Membership m, SwarmFiles files, SwarmRoles roles, Clock clock) {
    DispatcherSession session = roles.session();
    List<String> managers = session.managers().isEmpty() ? m.local().managers() : session.managers();
    session.renewNow();
    Messages.RaftGroup group = session.raftGroup();
    List<RaftMember> peers = group.members().stream().map(p -> new RaftMember(p.id(), p.addr())).toList();
    ManagerRuntime manager = ManagerRuntime.start(files, m.local().nodeId(), m.local().clusterId(),
        m.local().advertiseAddr(), peers, new ClusterTls(m.credentials(), clock));
    try {
      DispatcherClient.joinRaft(managers, m.credentials(), ManagerRuntime.raftAddress(m.local().advertiseAddr()), clock)
          .ifPresent(k -> SecretsKeys.keep(files, manager, k));
    } catch (RuntimeException e) {
      manager.close();
      deleteRaftLog(files);
      throw e;
    }
    SwarmFiles.LocalState local = m.local().withRole(NodeRole.MANAGER).withManagers(managers);
    files.write(local);
    stop(m.running());
    LOG.info("promoted: this node is a manager now");
    return Membership.active(local, m.credentials(), manager, roles.start(local, m.credentials(), manager, null));
  }

  static Membership demote(Membership m, SwarmFiles files, SwarmRoles roles, Clock clock) {
    DispatcherSession session = roles.session();
    List<String> managers = session.managers().stream()
        .filter(a -> !a.equals(m.local().advertiseAddr())).toList();
    if (m.manager() != null) {
      // this member votes until the leader has taken it out of the group: stopping it (or
      // renewing into a worker's certificate, which the other managers' Raft refuses) before
      // that would leave a two-manager group unable to elect a leader
      awaitOutOfGroup(m.manager(), m.local().nodeId());
    }
    session.renewNow();
    stop(m.running());
    if (m.manager() != null) {
      m.manager().close();
    }
    deleteRaftLog(files);
    files.keys().deleteSecretsKey(); // a worker holds no store and no key to it
    SwarmFiles.LocalState local = m.local().withRole(NodeRole.WORKER)
        .withManagers(managers.isEmpty() ? m.local().managers() : managers);
    files.write(local);
    LOG.info("demoted: this node is a worker now");
    return Membership.active(local, m.credentials(), null, roles.start(local, m.credentials(), null, null));
  }

  private static void awaitOutOfGroup(ManagerRuntime manager, String nodeId) {
    try {
      ManagerRuntime.awaitTrue(() -> manager.store().members().stream().noneMatch(r -> r.id().equals(nodeId)),
          Duration.ofSeconds(60), "the leader did not take this demoted manager out of the Raft group");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.berth.errdefs.UnavailableException("interrupted while leaving the Raft group");
    }
  }

  private static void stop(AutoCloseable running) {
    try {
      running.close();
    } catch (Exception e) {
      LOG.warn("stopping the member's work for a role change: {}", e.toString());
    }
  }

  private static void deleteRaftLog(SwarmFiles files) {
    Path dir = files.raftDir();
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing the Raft log in " + dir, e);
    }
  }
}
