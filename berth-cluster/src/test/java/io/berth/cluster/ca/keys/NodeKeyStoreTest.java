package io.berth.cluster.ca.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.ca.CertificateRequests;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.errdefs.NotFoundException;
import io.berth.errdefs.UnauthorizedException;
import io.berth.errdefs.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeKeyStoreTest {
  static final SecureRandom RANDOM = new SecureRandom();
  final ClusterCa ca = ClusterCa.create("c", Clock.systemUTC());
  final KeyPair keys = EcKeys.generate(RANDOM);
  final NodeCertificate cert = ca.issue(CertificateRequests.create(keys), "n1", NodeRole.MANAGER);

  @TempDir Path tmp;

  @Test
  void writesEveryFile0600AndReadsThemBack() throws Exception {
    Path dir = tmp.resolve("certificates");
    NodeKeyStore store = new NodeKeyStore(dir);
    store.write(keys.getPrivate(), cert, ca.trustedRoots(), null);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("swarm-node.key", "swarm-node.crt", "swarm-root-ca.crt");
    }
    for (String f : new String[] {"swarm-node.key", "swarm-node.crt", "swarm-root-ca.crt"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    assertThat(store.locked()).isFalse();
    NodeKeyStore.Stored s = store.read(null);
    assertThat(s.key()).isEqualTo(keys.getPrivate());
    assertThat(s.certificate()).isEqualTo(cert);
    assertThat(s.trustedRoots()).isEqualTo(ca.trustedRoots());
  }

  @Test
  void autolockEncryptsTheKeyAndOnlyTheRightUnlockKeyOpensIt() throws Exception {
    NodeKeyStore store = new NodeKeyStore(tmp);
    UnlockKey unlock = UnlockKey.generate(RANDOM);
    store.write(keys.getPrivate(), cert, ca.trustedRoots(), unlock);

    String onDisk = Files.readString(tmp.resolve("swarm-node.key"));
    assertThat(onDisk).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----").doesNotContain("BEGIN PRIVATE KEY");
    assertThat(store.locked()).isTrue();
    assertThatThrownBy(() -> store.read(null))
        .isInstanceOf(UnavailableException.class).hasMessageStartingWith("Swarm is encrypted and needs to be unlocked");
    assertThatThrownBy(() -> store.read(UnlockKey.generate(RANDOM)))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageStartingWith("swarm could not be unlocked: invalid key provided")
        .hasMessageContaining(tmp.resolve("swarm-node.key").toString());
    assertThat(store.read(UnlockKey.parse(unlock.render())).key()).isEqualTo(keys.getPrivate());
  }

  @Test
  void relockRotatesTheUnlockKeyAndCanTurnAutolockOff() {
    NodeKeyStore store = new NodeKeyStore(tmp);
    UnlockKey first = UnlockKey.generate(RANDOM);
    UnlockKey second = UnlockKey.generate(RANDOM);
    store.write(keys.getPrivate(), cert, ca.trustedRoots(), first);

    store.relock(first, second);
    assertThatThrownBy(() -> store.read(first)).isInstanceOf(UnauthorizedException.class);
    assertThat(store.read(second).key()).isEqualTo(keys.getPrivate());
    assertThatThrownBy(() -> store.relock(first, null)).isInstanceOf(UnauthorizedException.class);

    store.relock(second, null);
    assertThat(store.locked()).isFalse();
    assertThat(store.read(null).key()).isEqualTo(keys.getPrivate());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedAndMissingFilesAreNamed() {
    NodeKeyStore store = new NodeKeyStore(tmp);
    assertThatThrownBy(() -> store.write(EcKeys.generate(RANDOM).getPrivate(), cert, ca.trustedRoots(), null))
        .isInstanceOf(FailedPreconditionException.class).hasMessageContaining("does not belong to the certificate");
    assertThatThrownBy(() -> store.read(null))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("no swarm-node.key in " + tmp);
  }

  @Test
  void unlockKeyHasDockersFormAndBadTextIsRefusedByReason() {
    UnlockKey k = UnlockKey.generate(RANDOM);
    assertThat(k.render()).matches("SWMKEY-1-[A-Za-z0-9+/]{43}");
    assertThat(UnlockKey.parse(k.render())).isEqualTo(k);
    assertThat(k.toString()).doesNotContain(k.render().substring(9));
    assertThatThrownBy(() -> UnlockKey.parse("SWMTKN-1-abc"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("must start with \"SWMKEY-1-\"");
    assertThatThrownBy(() -> UnlockKey.parse("SWMKEY-1-not*base64"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not base64");
    assertThatThrownBy(() -> UnlockKey.parse("SWMKEY-1-AAAA"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("holds 3 bytes, expected 32");
  }
}
