package io.berth.network.seal;

import io.berth.errdefs.InvalidArgumentException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys a sealed underlay holds at one moment: all of them open packets, the primary one
 * seals them. Immutable, so {@link SealedUnderlay#keys} replaces it in one step and a packet is
 * never handled with half of a rotation.
 */
record KeyRing(Map<Integer, SealKey> byId, SealKey primary) {
  static final KeyRing EMPTY = new KeyRing(Map.of(), null);

  static KeyRing of(List<SealKey> keys, int primaryId) {
    if (keys == null || keys.isEmpty()) {
      throw new InvalidArgumentException("seal keys: at least one key is needed");
    }
    Map<Integer, SealKey> byId = new HashMap<>();
    for (SealKey k : keys) {
      if (byId.put(k.id(), k) != null) {
        throw new InvalidArgumentException("seal keys: key id " + k.id() + " appears twice");
      }
    }
    SealKey primary = byId.get(primaryId);
    if (primary == null) {
      throw new InvalidArgumentException("seal keys: the primary key " + primaryId + " is not among the keys "
          + byId.keySet());
    }
    return new KeyRing(Map.copyOf(byId), primary);
  }

  SealKey get(int id) {
    return byId.get(id);
  }
}
