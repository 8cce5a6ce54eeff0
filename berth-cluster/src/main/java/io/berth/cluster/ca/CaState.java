package io.berth.cluster.ca;

/**
 * Everything a manager needs to act as the cluster CA, as PEM text: what the replicated store
 * keeps (swarmkit keeps the same in its Cluster object), so any manager that becomes leader can
 * sign. Plain strings and numbers, so Jackson writes it without extra modules. {@code rotation}
 * is null unless a root rotation is under way.
 */
public record CaState(String clusterId, long nodeCertExpirySeconds, String rootCertPem, String rootKeyPem,
    Rotation rotation) {

  /** A root rotation in progress: the new root, its key, and the new root cross-signed by the old. */
  public record Rotation(String newRootCertPem, String newRootKeyPem, String crossSignedPem) {}
}
