package io.berth.cluster.ca.tls;

import io.berth.cluster.ca.NodeCertificate;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node's TLS identity as it stands now: its key, its certificate chain and the roots it trusts.
 * Renewal and root rotation {@link #update} it; the key and trust managers read it on every
 * handshake, so new connections use the new material at once.
 */
public final class NodeCredentials {
  /** One consistent set of material (never a key of one certificate with another's chain). */
  public record Material(PrivateKey key, NodeCertificate certificate, List<X509Certificate> trustedRoots,
      String clusterId) {
    public Material {
      trustedRoots = List.copyOf(trustedRoots);
      if (trustedRoots.isEmpty()) {
        throw new IllegalArgumentException("node credentials need at least one trusted root");
      }
    }
  }

  private final AtomicReference<Material> current;

  public NodeCredentials(Material material) {
    this.current = new AtomicReference<>(material);
  }

  public Material current() {
    return current.get();
  }

  /** Replaces the material; handshakes from now on use the new one. */
  public void update(Material material) {
    current.set(material);
  }
}
