package io.berth.daemon.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.CertificateRequests;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.JoinTokens;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.keys.NodeKeyStore;
import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.ca.rotation.TlsInfos;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.Cluster;
import io.berth.cluster.model.SwarmSpec;
import io.berth.cluster.raft.MemoryClusterStore;
import io.berth.cluster.state.ClusterState;
import io.berth.cluster.state.StoredCa;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.UnauthorizedException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Autolock on a running swarm: {@code swarm update --autolock} and {@code unlock-key --rotate}
 * write the unlock key to the store, and a manager's follower re-encrypts its node key under
 * whatever the store says, without a restart; renewals are stored under the current key.
 */
class AutolockUpdatesTest {
  private static final Clock CLOCK = Clock.systemUTC();
  private final SecureRandom random = new SecureRandom();
  private final ClusterState state = new ClusterState(new MemoryClusterStore());
  private final ClusterCa ca = ClusterCa.create("c1", CLOCK);
  @TempDir Path tmp;

  private NodeCredentials.Material material() {
    KeyPair keys = EcKeys.generate(random);
    NodeCertificate cert = ca.issue(CertificateRequests.create(keys), "m1", NodeRole.MANAGER);
    return new NodeCredentials.Material(keys.getPrivate(), cert, ca.trustedRoots(), "c1");
  }

  private void init() {
    Instant now = CLOCK.instant();
    state.batch().create(StoredCa.of(ca.state(), JoinTokens.generate(ca.digest(), random)))
        .create(new Cluster("c1", null, now, now, null, TlsInfos.ofCluster(ca), false)).apply();
  }

  private void update(boolean autolock, boolean rotateKey) {
    Cluster c = state.cluster().orElseThrow();
    SwarmSpec s = c.spec();
    SwarmSpec next = new SwarmSpec(s.name(), s.labels(), s.orchestration(), s.dispatcher(), s.caConfig(),
        new SwarmSpec.EncryptionConfig(autolock));
    SwarmUpdates.apply(state, new SwarmUpdate(c.version().index(), next, false, false, rotateKey, false), CLOCK);
  }

  @org.junit.jupiter.api.Test
  void anUpdateSetsOrKeepsTheOverlayKeyRotationPeriod() {
    init();
    Cluster c = state.cluster().orElseThrow();
    SwarmUpdates.apply(state, new SwarmUpdate(c.version().index(), c.spec(), false, false, false, false,
        2_000_000_000L), CLOCK);
    assertThat(state.cluster().orElseThrow().networkKeyRotationPeriod()).isEqualTo(java.time.Duration.ofSeconds(2));
    update(false, false);
    assertThat(state.cluster().orElseThrow().networkKeyRotationPeriod()).as("an update without it keeps it")
        .isEqualTo(java.time.Duration.ofSeconds(2));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long until = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError(what + " did not happen within 20 s");
      }
      Thread.sleep(20);
    }
  }

  private static boolean opensWith(NodeKeyStore store, UnlockKey key) {
    try {
      store.read(key);
      return key == null ? !store.locked() : store.locked();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void autolockOnRotateAndOffReEncryptTheManagersKeyWithoutARestart() throws Exception {
    init();
    NodeKeyStore store = new NodeKeyStore(tmp.resolve("certificates"));
    NodeCredentials.Material m = material();
    store.write(m.key(), m.certificate(), m.trustedRoots(), null);
    NodeKeys keys = new NodeKeys(store, null);
    try (UnlockKeyFollower follower = UnlockKeyFollower.start(state, keys)) {
      assertThat(swarmKey()).isNull();

      update(true, false);
      UnlockKey first = Objects.requireNonNull(swarmKey());
      await(() -> opensWith(store, first), "the key being locked under the new unlock key");
      assertThatThrownBy(() -> store.read(null)).isInstanceOf(UnavailableException.class)
          .hasMessage(NodeKeyStore.LOCKED);

      // a renewal while locked is stored under the current key
      NodeCredentials.Material renewed = material();
      keys.save(renewed);
      assertThat(store.read(first).key()).isEqualTo(renewed.key());

      update(true, true);
      UnlockKey second = Objects.requireNonNull(swarmKey());
      assertThat(second).isNotEqualTo(first);
      await(() -> opensWith(store, second), "the key being re-encrypted under the rotated unlock key");
      assertThatThrownBy(() -> store.read(first)).isInstanceOf(UnauthorizedException.class)
          .hasMessageStartingWith("swarm could not be unlocked: invalid key provided");

      update(false, false);
      assertThat(swarmKey()).isNull();
      await(() -> opensWith(store, null), "the key being stored unencrypted");
    }
  }

  @Test
  void rotatingTheUnlockKeyWithoutAutolockIsRefused() {
    init();
    assertThatThrownBy(() -> update(false, true)).isInstanceOf(FailedPreconditionException.class)
        .hasMessage("cannot rotate because autolock is not turned on");
  }

  @Test
  void theFollowerKeepsTheInitKeyUntilTheStoreHasOne() {
    UnlockKey current = UnlockKey.generate(random);
    Instant now = CLOCK.instant();
    SwarmSpec locked = new SwarmSpec(null, null, null, null, null, new SwarmSpec.EncryptionConfig(true));
    Cluster c = new Cluster("c1", null, now, now, locked, null, false);
    assertThat(UnlockKeyFollower.desired(java.util.Optional.of(c), java.util.Optional.empty(), current))
        .isEqualTo(current);
    assertThat(UnlockKeyFollower.desired(java.util.Optional.empty(), java.util.Optional.empty(), current))
        .isEqualTo(current);
    assertThat(UnlockKeyFollower.desired(java.util.Optional.of(c.withSpec(SwarmSpec.defaults(), now)),
        java.util.Optional.of(current), current)).isNull();
  }

  private UnlockKey swarmKey() {
    return UnlockKeys.read(state).orElse(null);
  }
}
