package io.berth.cluster.dispatcher;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.NodeAdmission;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.ca.Pem;
import io.berth.cluster.dispatcher.Messages.JoinCall;
import io.berth.cluster.dispatcher.Messages.JoinReply;
import io.berth.cluster.dispatcher.Messages.RaftGroup;
import io.berth.cluster.dispatcher.Messages.RaftPeer;
import io.berth.cluster.dispatcher.Messages.RenewReply;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.raft.RaftMember;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

/**
 * The CA's side of the dispatcher (swarmkit's NodeCA service): hands out the root for pinning,
 * admits a node by its join token and records it, adds a joined manager to the Raft group, and
 * renews certificates in the role the store gives the node now. The CA is rebuilt from the stored
 * record on each call, so a rotated token or a rotated root applies at once on every manager.
 */
final class Admission {
  private final ClusterState state;
  private final ManagerMembership membership;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  Admission(ClusterState state, ManagerMembership membership, Clock clock) {
    this.state = state;
    this.membership = membership;
    this.clock = clock;
  }

  private StoredCa stored() {
    return state.ca().orElseThrow(() -> new FailedPreconditionException(
        "this manager holds no cluster CA; the swarm is not initialized here"));
  }

  private ClusterCa ca(StoredCa stored) {
    return ClusterCa.restore(stored.caState(), clock);
  }

  /** The root a joining node pins: exactly the bytes its token's digest was made from. */
  String rootPem() {
    return ca(stored()).rootPem();
  }

  /** Admits a node by its token (checked before anything else is read) and records it. */
  JoinReply join(JoinCall call, String peerAddr) {
    StoredCa stored = stored();
    ClusterCa ca = ca(stored);
    NodeAdmission.Admitted admitted = NodeAdmission.admit(ca, stored.joinTokens(), call.token(), call.csr(), random);
    NodeRole role = admitted.role();
    ManagerStatus managerStatus = null;
    if (role == NodeRole.MANAGER) {
      if (call.advertiseAddr() == null || !call.advertiseAddr().matches(".+:[0-9]{1,5}")) {
        throw new InvalidArgumentException("a joining manager must give its advertise address as host:port, got \""
            + call.advertiseAddr() + "\"");
      }
      if (membership == null) {
        throw new FailedPreconditionException("this manager cannot add managers (no Raft membership)");
      }
      managerStatus = new ManagerStatus(false, ManagerStatus.Reachability.REACHABLE, call.advertiseAddr());
    }
    Instant now = clock.instant();
    Node node = new Node(admitted.nodeId(), null, now, now,
        new NodeSpec(null, null, role, NodeAvailability.ACTIVE), call.description(),
        new NodeStatus(NodeState.UNKNOWN, "joined the swarm", peerAddr), managerStatus);
    state.batch().create(node).apply();
    RaftGroup raft = null;
    if (role == NodeRole.MANAGER) {
      raft = new RaftGroup(membership.groupId(),
          membership.members().stream().map(m -> new RaftPeer(m.id(), m.address())).toList());
    }
    return new JoinReply(admitted.nodeId(), role, admitted.certificate().pem(), Pem.certificates(ca.trustedRoots()),
        Managers.addresses(state), raft);
  }

  /**
   * Adds the calling manager, whose Raft member now runs, to the group, and hands it the
   * cluster's secrets key: the caller is a manager by the store and by its certificate.
   */
  Messages.JoinRaftReply joinRaft(Caller caller, String raftAddr) {
    if (membership == null) {
      throw new FailedPreconditionException("this manager cannot add managers (no Raft membership)");
    }
    requireManager(caller);
    membership.add(new RaftMember(caller.nodeId(), raftAddr));
    return new Messages.JoinRaftReply(state.secretsKey().map(io.berth.cluster.ca.keys.SecretsKey::bytes).orElse(null));
  }

  /** The Raft group's id and members, for a promoted manager to start its member with. */
  Messages.RaftGroup raftGroup(Caller caller) {
    if (membership == null) {
      throw new FailedPreconditionException("this manager cannot name the Raft group (no Raft membership)");
    }
    // the store's role alone: the caller's session still shows the certificate it connected with,
    // from before the renewal that made it a manager (JoinRaft, on a new connection, checks both)
    if (node(caller.nodeId()).spec().role() != NodeRole.MANAGER) {
      throw new ForbiddenException("node " + caller.nodeId() + " is not a manager; only managers join the Raft group");
    }
    return new Messages.RaftGroup(membership.groupId(), membership.members().stream()
        .map(m -> new Messages.RaftPeer(m.id(), m.address())).toList());
  }

  private void requireManager(Caller caller) {
    Node node = node(caller.nodeId());
    if (node.spec().role() != NodeRole.MANAGER || caller.identity().role() != NodeRole.MANAGER) {
      throw new ForbiddenException("node " + caller.nodeId() + " is not a manager; only managers join the Raft group");
    }
  }

  /** A new certificate for the caller's new key, in the role the store gives the node now. */
  RenewReply renew(Caller caller, byte[] csr) {
    Node node = node(caller.nodeId());
    ClusterCa ca = ca(stored());
    NodeCertificate renewed = ca.renew(caller.certificate(), csr, node.spec().role());
    return new RenewReply(renewed.pem(), Pem.certificates(ca.trustedRoots()));
  }

  private Node node(String id) {
    return state.node(id).orElseThrow(() -> new NotFoundException(
        "node " + id + " is not a member of this swarm (it was removed); it must join again"));
  }
}
