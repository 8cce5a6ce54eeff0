package io.berth.cluster.control;

import io.berth.cluster.state.ClusterState;

/**
 * Secrets and configs go through the same control code; what differs is named here: the word
 * in Docker's texts, the store's kind, swarmkit's size limit, whether the payload is sealed in
 * the store and whether the Engine API may show it.
 */
public enum PayloadKind {
  /** swarmkit's MaxSecretSize: 500 KB. */
  SECRET("secret", ClusterState.SECRETS, 500 * 1024, true),
  /** swarmkit's MaxConfigSize: 1000 KB. */
  CONFIG("config", ClusterState.CONFIGS, 1000 * 1024, false);

  private final String word;
  private final String storeKind;
  private final int maxBytes;
  private final boolean sealed;

  PayloadKind(String word, String storeKind, int maxBytes, boolean sealed) {
    this.word = word;
    this.storeKind = storeKind;
    this.maxBytes = maxBytes;
    this.sealed = sealed;
  }

  /** "secret" or "config", as Docker's messages and event types say it. */
  public String word() {
    return word;
  }

  public String storeKind() {
    return storeKind;
  }

  /** Payloads must be smaller than this many bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /** Whether the store holds the payload sealed (and the API never shows it). */
  public boolean sealed() {
    return sealed;
  }
}
