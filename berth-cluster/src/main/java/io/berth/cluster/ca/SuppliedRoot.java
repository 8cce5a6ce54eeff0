package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The checks a root the user brings must pass before the cluster rotates to it, as swarmkit's
 * control API makes them: a self-signed CA certificate, with the key given, of the cluster's key
 * type, valid now and for at least another year. Each refusal names the failed check.
 */
final class SuppliedRoot {
  static final Duration MIN_REMAINING = Duration.ofDays(365);

  private SuppliedRoot() {}

  static void check(X509Certificate root, PrivateKey key, Instant now) {
    try {
      root.verify(root.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new InvalidArgumentException("--ca-cert is not a self-signed root certificate: " + e.getMessage());
    }
    if (root.getBasicConstraints() < 0) {
      throw new InvalidArgumentException("--ca-cert is not a CA certificate (basic constraints CA:false)");
    }
    EcKeys.requireP256(root.getPublicKey(), "--ca-cert");
    if (!EcKeys.belongTogether(key, root.getPublicKey())) {
      throw new InvalidArgumentException("--ca-key is not the key of --ca-cert");
    }
    if (now.isBefore(root.getNotBefore().toInstant())) {
      throw new InvalidArgumentException("--ca-cert is not valid before " + root.getNotBefore().toInstant());
    }
    if (root.getNotAfter().toInstant().isBefore(now.plus(MIN_REMAINING))) {
      throw new InvalidArgumentException("--ca-cert expires at " + root.getNotAfter().toInstant()
          + "; a new root must be valid for at least another year");
    }
  }
}
