package io.berth.cluster.raft;

import static io.berth.cluster.raft.ClusterStoreConformance.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.CertificateRequests;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.tls.ClusterTls;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managers' Raft transport with the certificates the cluster CA issues (not keytool's): each
 * member holds its own node certificate (CN = node id, OU = swarm-manager, no address in it), and
 * the trust manager checks cluster and role, so managers replicate; a worker's certificate of the
 * same cluster, and a manager's of another cluster, get nothing.
 */
class RaftOverClusterCaTest {
  private static final Set<NodeRole> MANAGERS = Set.of(NodeRole.MANAGER);
  @TempDir Path dir;
  private final ClusterCa ca = ClusterCa.create("cluster1", Clock.systemUTC());

  @Test
  void managersReplicateOverTheClusterCertificatesAndOthersAreRefused() throws Exception {
    try (RaftTestGroup g = new RaftTestGroup(dir.resolve("group"), c -> c
        .withTimeouts(Duration.ofSeconds(4), Duration.ofMillis(300))
        .withTls(tls(ca, c.self().id(), NodeRole.MANAGER))).startAll(3)) {
      StoredObject o = g.aFollower().create("services", "s1", b("over the cluster's mTLS"));
      g.awaitApplied(o.version());
      for (RaftClusterStore s : g.running()) {
        assertThat(s.get("services", "s1")).contains(o);
      }
      try (RaftClusterStore worker = RaftClusterStore.start(g.outsider("w1", tls(ca, "w1", NodeRole.WORKER)))) {
        assertThatThrownBy(() -> worker.create("services", "from-worker", b("x")))
            .isInstanceOf(UnavailableException.class);
      }
      ClusterCa other = ClusterCa.create("cluster2", Clock.systemUTC());
      try (RaftClusterStore stranger = RaftClusterStore.start(g.outsider("m9", tls(other, "m9", NodeRole.MANAGER)))) {
        assertThatThrownBy(() -> stranger.create("services", "evil", b("x")))
            .isInstanceOf(UnavailableException.class);
      }
      assertThat(g.get("m1").get("services", "from-worker")).isEmpty();
      assertThat(g.get("m1").get("services", "evil")).isEmpty();
    }
  }

  /**
   * A refusal is told to the peer as "bad certificate", not as the OpenSSL engine's default
   * "internal error" (which made a worker knocking on the Raft port look like a broken server);
   * a manager of the cluster completes the same handshake.
   */
  @Test
  void aRefusedPeerIsToldItsCertificateIsBadNotThatTheServerBroke() throws Exception {
    RaftTls server = tls(ca, "m1", NodeRole.MANAGER);
    assertThat(new EngineHandshake(tls(ca, "m2", NodeRole.MANAGER), server).clientFailure()).isNull();
    assertThat(new EngineHandshake(tls(ca, "w1", NodeRole.WORKER), server).clientFailure())
        .hasMessageContaining("BAD_CERTIFICATE");
    // another cluster's manager does not get as far: it refuses this cluster's server first
    ClusterCa other = ClusterCa.create("cluster2", Clock.systemUTC());
    assertThat(new EngineHandshake(tls(other, "m9", NodeRole.MANAGER), server).clientFailure())
        .hasStackTraceContaining("not signed by this cluster's root CA");
  }

  private static RaftTls tls(ClusterCa ca, String nodeId, NodeRole role) {
    KeyPair keys = EcKeys.generate(new SecureRandom());
    NodeCertificate cert = ca.issue(CertificateRequests.create(keys), nodeId, role);
    ClusterTls tls = new ClusterTls(new NodeCredentials(new NodeCredentials.Material(keys.getPrivate(), cert,
        ca.trustedRoots(), ca.clusterId())), Clock.systemUTC());
    return new RaftTls(tls.keyManager(), tls.trustManager(MANAGERS));
  }

}
