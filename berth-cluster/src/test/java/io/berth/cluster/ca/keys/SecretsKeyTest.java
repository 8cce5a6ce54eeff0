package io.berth.cluster.ca.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.UnauthorizedException;
import io.berth.errdefs.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secrets key seals payloads for one owner, and a manager's copy of it is locked like its node key. */
class SecretsKeyTest {
  private static final byte[] PLAIN = "hunter2-topsecret".getBytes(StandardCharsets.UTF_8);
  @TempDir Path tmp;

  @Test
  void sealsSoThatNeitherThePlaintextNorItsBase64ShowsAndOpensOnlyForTheSameOwnerAndKey() {
    SecretsKey key = SecretsKey.generate();
    byte[] sealed = key.seal(PLAIN, "secrets/abc");
    String asText = new String(sealed, StandardCharsets.ISO_8859_1);
    assertThat(asText).doesNotContain("hunter2");
    assertThat(Base64.getEncoder().encodeToString(sealed)).doesNotContain(Base64.getEncoder().encodeToString(PLAIN)
        .substring(0, 12));
    assertThat(key.seal(PLAIN, "secrets/abc")).isNotEqualTo(sealed); // a fresh nonce each time
    assertThat(key.open(sealed, "secrets/abc")).isEqualTo(PLAIN);
    assertThatThrownBy(() -> key.open(sealed, "secrets/other")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not open");
    assertThatThrownBy(() -> SecretsKey.generate().open(sealed, "secrets/abc"))
        .isInstanceOf(IllegalStateException.class);
    byte[] changed = sealed.clone();
    changed[changed.length - 1] ^= 1;
    assertThatThrownBy(() -> key.open(changed, "secrets/abc")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLockedManagersCopyNeedsTheUnlockKeyAndFollowsARelock() throws Exception {
    NodeKeyStoreTest keys = new NodeKeyStoreTest();
    NodeKeyStore store = new NodeKeyStore(tmp.resolve("certificates"));
    UnlockKey unlock = UnlockKey.generate(new SecureRandom());
    store.write(keys.keys.getPrivate(), keys.cert, keys.ca.trustedRoots(), unlock);
    SecretsKey key = SecretsKey.generate();
    store.writeSecretsKey(key, unlock);

    String onDisk = Files.readString(tmp.resolve("certificates").resolve("swarm-secrets.key"));
    assertThat(onDisk).doesNotContain(Base64.getEncoder().encodeToString(key.bytes()));
    assertThatThrownBy(() -> store.readSecretsKey(null)).isInstanceOf(UnavailableException.class)
        .hasMessageContaining("Swarm is encrypted and needs to be unlocked");
    assertThatThrownBy(() -> store.readSecretsKey(UnlockKey.generate(new SecureRandom())))
        .isInstanceOf(UnauthorizedException.class).hasMessageContaining("invalid key provided");
    assertThat(store.readSecretsKey(unlock)).contains(key);

    store.relock(unlock, null); // autolock off: both files in clear
    assertThat(store.readSecretsKey(null)).contains(key);
    UnlockKey next = UnlockKey.generate(new SecureRandom());
    store.relock(null, next);
    assertThatThrownBy(() -> store.readSecretsKey(null)).isInstanceOf(UnavailableException.class);
    assertThat(store.readSecretsKey(next)).contains(key);

    store.deleteSecretsKey();
    assertThat(store.readSecretsKey(next)).isEmpty();
  }
}
