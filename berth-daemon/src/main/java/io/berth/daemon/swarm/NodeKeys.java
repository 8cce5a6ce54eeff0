package io.berth.daemon.swarm;

import io.berth.cluster.ca.keys.NodeKeyStore;
import io.berth.cluster.ca.keys.UnlockKey;
import io.berth.cluster.ca.tls.NodeCredentials;
import java.util.Objects;

/**
 * This node's key files and the unlock key they are encrypted under now. Renewals and trust
 * updates write new material, and {@code swarm update --autolock} / {@code unlock-key --rotate}
 * re-encrypt the key; both go through here, one at a time, so a renewed key is never written
 * under a key that was just replaced. A worker's key is never encrypted (as in Docker).
 */
final class NodeKeys {
  private final NodeKeyStore store;
  private UnlockKey current;

  /** {@code current}: the unlock key the stored node key is encrypted under now, null if it is not. */
  NodeKeys(NodeKeyStore store, UnlockKey current) {
    this.store = store;
    this.current = current;
  }

  /** Stores renewed material (or new trusted roots), under the current unlock key. */
  synchronized void save(NodeCredentials.Material material) {
    store.write(material.key(), material.certificate(), material.trustedRoots(), current);
  }

  /** Re-encrypts the node key under {@code next} (null: decrypts it); true if it changed. */
  synchronized boolean lockWith(UnlockKey next) {
    if (Objects.equals(current, next)) {
      return false;
    }
    store.relock(current, next);
    current = next;
    return true;
  }

  synchronized UnlockKey current() {
    return current;
  }
}
