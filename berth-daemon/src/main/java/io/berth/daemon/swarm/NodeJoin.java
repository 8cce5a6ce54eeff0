package io.berth.daemon.swarm;

import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.dispatcher.DispatcherClient;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.raft.RaftMember;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Clock;
import java.util.List;

/**
 * {@code swarm join}: admitted by a manager with the token (the manager's CA pinned by the
 * token's digest), this node stores its key and certificate; a manager also starts its Raft
 * member with the group's members and asks the group to add it, which hands it the secrets key. Anything that fails undoes what
 * was made, so a failed join leaves a node that is not in a swarm.
 */
final class NodeJoin {
  private NodeJoin() {}

  static Membership join(SwarmFiles files, JoinRequest request, NodeDescription description, String ownBridge,
      SwarmRoles roles, Clock clock) {
    if (request.remoteAddrs().isEmpty()) {
      throw new InvalidArgumentException("at least 1 RemoteAddr is required to join");
    }
    if (request.availability() != NodeAvailability.ACTIVE) {
      throw new InvalidArgumentException("--availability " + request.availability().wire()
          + " at join is not supported by Berth yet: join, then docker node update --availability");
    }
    List<String> remotes = request.remoteAddrs().stream()
        .map(a -> HostPort.parse(a, "remote address").toString()).toList();
    HostPort listen = HostPort.parse(request.listenAddr(), "listen address");
    HostPort advertise = AdvertiseAddress.choose(request.advertiseAddr(), listen, ownBridge);
    DispatcherClient.Joined joined = DispatcherClient.join(remotes, request.joinToken(), description,
        advertise.toString(), clock);
    ManagerRuntime manager = null;
    try {
      files.keys().write(joined.key(), joined.certificate(), joined.trustedRoots(), null);
      NodeCredentials credentials = new NodeCredentials(joined.material());
      List<String> managers = joined.managers().isEmpty() ? remotes : joined.managers();
      SwarmFiles.LocalState local = new SwarmFiles.LocalState(joined.nodeId(), joined.clusterId(), joined.role(),
          listen.toString(), advertise.toString(), managers);
      if (joined.role() == NodeRole.MANAGER) {
        List<RaftMember> peers = joined.raft().orElseThrow(() -> new InvalidArgumentException(
            "the manager admitted this node as a manager but named no Raft group")).members().stream()
            .map(p -> new RaftMember(p.id(), p.addr())).toList();
        manager = ManagerRuntime.start(files, joined.nodeId(), joined.clusterId(), advertise.toString(), peers,
            new ClusterTls(credentials, clock));
        ManagerRuntime started = manager;
        DispatcherClient.joinRaft(managers, credentials, ManagerRuntime.raftAddress(advertise.toString()), clock)
            .ifPresent(k -> SecretsKeys.keep(files, started, k));
      }
      files.write(local);
      return Membership.active(local, credentials, manager, roles.start(local, credentials, manager, null));
    } catch (RuntimeException e) {
      if (manager != null) {
        manager.close();
      }
      files.erase();
      throw e;
    }
  }
}
