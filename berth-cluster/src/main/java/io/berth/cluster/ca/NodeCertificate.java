package io.berth.cluster.ca;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A node's certificate as the CA hands it out: the leaf first, then the intermediates a peer needs
 * to reach the cluster root (during a root rotation, the new root cross-signed by the old).
 */
public record NodeCertificate(List<X509Certificate> chain) {
  public NodeCertificate {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a node certificate chain needs at least its leaf");
    }
  }

  /** Reads a chain back from its PEM bundle (leaf first). */
  public static NodeCertificate fromPem(String pem) {
    return new NodeCertificate(Pem.parseCertificates(pem, "node certificate"));
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  /** The node, role and cluster the leaf names. */
  public NodeIdentity identity() {
    return NodeIdentity.of(leaf());
  }

  public Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** The chain as a PEM bundle, leaf first (what the node stores and presents). */
  public String pem() {
    return Pem.certificates(chain);
  }
}
