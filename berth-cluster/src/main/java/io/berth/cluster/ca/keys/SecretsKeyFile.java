package io.berth.cluster.ca.keys;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.UnauthorizedException;
import io.berth.errdefs.UnavailableException;
import java.util.Base64;

/**
 * The text of {@code swarm-secrets.key}, a manager's copy of the cluster's {@link SecretsKey}
 * beside its node key: a header line saying whether the key is in clear or sealed under the
 * unlock key (autolock), then the key (or the sealed key) in base64. Sealing reuses the secrets
 * key's AES-256-GCM with the unlock key's 32 bytes as the key and the file's name as associated
 * data.
 */
final class SecretsKeyFile {
  static final String NAME = "swarm-secrets.key";
  private static final String CLEAR = "berth-secrets-key-1 clear";
  private static final String SEALED = "berth-secrets-key-1 sealed";

  private SecretsKeyFile() {}

  static String render(SecretsKey key, UnlockKey unlockKey) {
    if (unlockKey == null) {
      return CLEAR + "\n" + Base64.getEncoder().encodeToString(key.bytes()) + "\n";
    }
    byte[] sealed = SecretsKey.of(unlockKey.bytes()).seal(key.bytes(), NAME);
    return SEALED + "\n" + Base64.getEncoder().encodeToString(sealed) + "\n";
  }

  static boolean isSealed(String text) {
    return text.startsWith(SEALED + "\n");
  }

  static SecretsKey parse(String text, UnlockKey unlockKey, String where) {
    String[] lines = text.split("\n");
    if (lines.length < 2 || !(lines[0].equals(CLEAR) || lines[0].equals(SEALED))) {
      throw new FailedPreconditionException(where + " is not a Berth secrets key file");
    }
    byte[] body;
    try {
      body = Base64.getDecoder().decode(lines[1].trim());
    } catch (IllegalArgumentException e) {
      throw new FailedPreconditionException(where + ": the key is not base64");
    }
    if (lines[0].equals(CLEAR)) {
      return SecretsKey.of(body);
    }
    if (unlockKey == null) {
      throw new UnavailableException(NodeKeyStore.LOCKED);
    }
    try {
      return SecretsKey.of(SecretsKey.of(unlockKey.bytes()).open(body, NAME));
    } catch (IllegalStateException e) {
      throw new UnauthorizedException(
          "swarm could not be unlocked: invalid key provided (it does not decrypt the secrets key in " + where + ")");
    }
  }
}
