package io.berth.cluster.raft;

import io.berth.errdefs.InvalidArgumentException;
import java.util.Objects;

/**
 * One write of a batch; a batch is applied whole or not at all. Names are checked here, at the
 * boundary, so the replicated log never carries a write the state machine could not store.
 */
public sealed interface Write {
  String kind();

  String key();

  /** Creates {@code kind/key}; refused with AlreadyExists if it exists. */
  record Create(String kind, String key, byte[] value) implements Write {
    public Create {
      checkName(kind, key);
      value = Objects.requireNonNull(value, "value").clone();
    }
  }

  /**
   * Replaces {@code kind/key} if it is still at {@code version}; refused with Conflict ("update out
   * of sequence") when another write came first, NotFound when it is gone.
   */
  record Update(String kind, String key, long version, byte[] value) implements Write {
    public Update {
      checkName(kind, key);
      value = Objects.requireNonNull(value, "value").clone();
    }
  }

  /** Removes {@code kind/key}; refused with NotFound if it does not exist. */
  record Delete(String kind, String key) implements Write {
    public Delete {
      checkName(kind, key);
    }
  }

  private static void checkName(String kind, String key) {
    if (kind == null || kind.isEmpty() || kind.indexOf('/') >= 0 || kind.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(
          "invalid cluster store kind " + (kind == null ? "null" : "\"" + kind + "\"")
              + ": must be non-empty without '/'");
    }
    if (key == null || key.isEmpty() || key.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(
          "invalid cluster store key for kind " + kind + ": must be non-empty");
    }
  }
}
