package io.berth.cluster.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.ChainVerifier;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.rotation.RootRotation;
import io.berth.cluster.ca.rotation.TlsInfos;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.Node;
import io.berth.cluster.model.NodeDescription;
import io.berth.cluster.model.NodeSpec;
import io.berth.cluster.model.Platform;
import io.berth.errdefs.UnauthorizedException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A root rotation end to end over real sessions and TLS: the managers' message makes each node
 * renew at once and report it, the leader finishes the rotation when all have, and the nodes then
 * trust the new root alone, and keep talking to each other, without a restart.
 */
class RootRotationSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final DispatcherFixture f = new DispatcherFixture();
  private final NodeDescription desc = new NodeDescription("h", new Platform("x86_64", "linux"), null, null);

  @AfterEach
  void close() {
    f.close();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError(what + " did not happen within " + WAIT);
      }
      Thread.sleep(50);
    }
  }

  private boolean reported(String nodeId, NodeCredentials creds) {
    return f.state.node(nodeId).map(n -> n.description().tlsInfo().equals(TlsInfos.held(creds.current())))
        .orElse(false);
  }

  @Test
  void everyNodeRenewsTheRotationFinishesAndNodesTrustOnlyTheNewRoot() throws Exception {
    f.state.batch().create(new Node("manager1", null, null, null,
        new NodeSpec(null, null, NodeRole.MANAGER, null), null, null)).apply();
    NodeCredentials manager = f.managerCredentials;
    NodeCredentials worker = new NodeCredentials(
        DispatcherClient.join(f.managers(), f.tokens.worker().render(), desc, null, f.clock).material());
    String workerId = worker.current().certificate().identity().nodeId();
    List<NodeCredentials.Material> stored = new CopyOnWriteArrayList<>();
    try (DispatcherSession m = DispatcherClient.connect(f.managers(), manager, () -> desc, t -> { }, null, f.clock);
        DispatcherSession w = DispatcherClient.connect(f.managers(), worker, () -> desc, t -> { }, stored::add,
            f.clock)) {
      await(() -> reported("manager1", manager) && reported(workerId, worker), "both nodes reporting their TLS");

      var started = RootRotation.start(f.state.ca().orElseThrow(), f.state.cluster().orElseThrow(), f.clock);
      f.state.batch().update(started.ca()).update(started.cluster()).apply();
      ClusterCa rotating = ClusterCa.restore(started.ca().caState(), f.clock);

      await(() -> !f.state.cluster().orElseThrow().rootRotationInProgress(), "the rotation finishing");
      ClusterCa after = ClusterCa.restore(f.state.ca().orElseThrow().caState(), f.clock);
      assertThat(after.trustedRoots()).containsExactly(rotating.desiredIssuer());
      await(() -> worker.current().trustedRoots().equals(after.trustedRoots())
          && manager.current().trustedRoots().equals(after.trustedRoots()), "both nodes trusting the new root alone");
      for (NodeCredentials c : List.of(manager, worker)) {
        new ChainVerifier(after.trustedRoots(), "cluster1")
            .verify(c.current().certificate().chain(), EnumSet.allOf(NodeRole.class), f.clock.instant());
      }
      // what the worker stored last is what it holds (its files follow the rotation)
      await(() -> !stored.isEmpty() && stored.getLast().equals(worker.current()), "the worker storing its material");
      // the swarm's TLSInfo is what every node reports (what docker swarm ca --rotate waits for)
      await(() -> reported("manager1", manager) && reported(workerId, worker), "both nodes reporting the new TLS");
      var clusterTls = f.state.cluster().orElseThrow().tlsInfo();
      assertThat(f.state.nodes()).allSatisfy(n -> {
        assertThat(n.description().tlsInfo().trustRoot()).isEqualTo(clusterTls.trustRoot());
        assertThat(TlsInfos.sameIssuer(n.description().tlsInfo(), clusterTls)).isTrue();
      });

      // the old join token no longer matches the root the managers hand out; the new one joins
      assertThatThrownBy(() -> DispatcherClient.join(f.managers(), f.tokens.worker().render(), desc, null, f.clock))
          .isInstanceOf(UnauthorizedException.class).hasMessageContaining("remote CA does not match fingerprint");
      var tokens = f.state.ca().orElseThrow().joinTokens();
      var joined = DispatcherClient.join(f.managers(), tokens.worker().render(), desc, null, f.clock);
      assertThat(joined.trustedRoots()).containsExactlyElementsOf(after.trustedRoots());
      // and the session keeps working over the new certificates: the worker is still connected
      await(() -> w.manager().isPresent(), "the worker's session being connected");
    }
  }
}
