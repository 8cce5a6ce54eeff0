package io.berth.daemon.swarm;

import io.berth.cluster.ca.CertificateRequests;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.ca.NodeAdmission;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.ManagerStatus;
import io.berth.cluster.model.Network;
import io.berth.cluster.model.NetworkSpec;
import io.berth.cluster.model.PortRange;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeAvailability;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.NodeState;
import io.berth.cluster.model.NodeStatus;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.state.Ids;
import io.berth.cluster.state.StoredCa;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code swarm init}: a new cluster with this node as its only manager — a fresh root CA and join
 * tokens, this node's key and manager certificate on disk, the cluster's secrets key beside them, a one-member Raft group, and the first
 * objects (the swarm, the CA, this node, the ingress network) written once this member leads. If any step fails,
 * everything made so far is undone, so a failed init leaves a node that is not in a swarm.
 */
final class ClusterBootstrap {
  /** A started first manager. */
  record Started(SwarmFiles.LocalState local, ManagerRuntime manager, NodeCredentials credentials,
      UnlockKey unlockKey) {}

  /** Where the cluster's networks take subnets and its ingress ports published numbers ({@code swarm init}'s choice). */
  record Networking(List<String> defaultAddrPool, int subnetSize, PortRange publishedPortRange,
      long networkKeyRotation) {}

  private ClusterBootstrap() {}

  static Networking networking(InitRequest r) {
    return new Networking(r.defaultAddrPool(), r.subnetSize(), r.publishedPortRange(), r.networkKeyRotation());
  }

  /**
   * The ingress network as Docker makes it at init: overlay, {@code Ingress: true}, labelled
   * internal to the swarm; the allocator gives it the pool's first block (10.0.0.0/24).
   */
  static Network ingress(Instant now) {
    return new Network(Ids.newId(), null, now, now, new NetworkSpec("ingress",
        Map.of("com.docker.swarm.internal", "true"), null, false, false, true, null, null), null, null);
  }

  static Started init(SwarmFiles files, HostPort listen, HostPort advertise, SwarmSpec spec,
      NodeAvailability availability, NodeDescription description, Networking networking, Clock clock)
      throws InterruptedException {
    SecureRandom random = new SecureRandom();
    String clusterId = Ids.newId();
    ClusterCa ca = ClusterCa.create(clusterId, clock)
        .withNodeCertExpiry(Duration.ofNanos(spec.caConfig().nodeCertExpiryNanos()));
    JoinTokens tokens = JoinTokens.generate(ca.digest(), random);
    String nodeId = NodeAdmission.newNodeId(random);
    KeyPair keys = EcKeys.generate(random);
    NodeCertificate cert = ca.issue(CertificateRequests.create(keys), nodeId, NodeRole.MANAGER);
    UnlockKey unlockKey = spec.encryptionConfig().autoLockManagers() ? UnlockKey.generate(random) : null;
    ManagerRuntime manager = null;
    try {
      files.keys().write(keys.getPrivate(), cert, ca.trustedRoots(), unlockKey);
      io.berth.cluster.ca.keys.SecretsKey secretsKey = io.berth.cluster.ca.keys.SecretsKey.generate();
      files.keys().writeSecretsKey(secretsKey, unlockKey); // beside the node key, never in the store (0040)
      NodeCredentials credentials = new NodeCredentials(
          new NodeCredentials.Material(keys.getPrivate(), cert, ca.trustedRoots(), clusterId));
      manager = ManagerRuntime.start(files, nodeId, clusterId, advertise.toString(), List.of(),
          new ClusterTls(credentials, clock));
      manager.state().useSecretsKey(secretsKey);
      manager.awaitLeadership(Duration.ofSeconds(30));
      Instant now = clock.instant();
      Node self = new Node(nodeId, null, now, now,
          new NodeSpec(null, null, NodeRole.MANAGER, availability),
          description, new NodeStatus(NodeState.READY, "", advertise.host()))
          .withManagerStatus(new ManagerStatus(true, ManagerStatus.Reachability.REACHABLE, advertise.toString()));
      manager.state().batch()
          .create(new Cluster(clusterId, null, now, now, spec, io.berth.cluster.ca.rotation.TlsInfos.ofCluster(ca), false,
              networking.defaultAddrPool(), networking.subnetSize(), networking.publishedPortRange(),
              networking.networkKeyRotation()))
          .create(ingress(now))
          .create(StoredCa.of(ca.state(), tokens))
          .create(self)
          .apply();
      SwarmFiles.LocalState local = new SwarmFiles.LocalState(nodeId, clusterId, NodeRole.MANAGER,
          listen.toString(), advertise.toString(), List.of(advertise.toString()));
      files.write(local);
      return new Started(local, manager, credentials, unlockKey);
    } catch (RuntimeException | InterruptedException e) {
      if (manager != null) {
        manager.close();
      }
      files.erase();
      throw e;
    }
  }
}
