package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.ForbiddenException;
import io.berth.errdefs.UnauthorizedException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a presented chain names a node of this cluster in an accepted role: the chain
 * must reach one of the cluster's roots (PKIX, at the given instant), the leaf's O must be this
 * cluster's id and its OU one of the accepted roles. Every refusal says which of these failed.
 *
 * <p>Each prefix of the chain is tried as the path: after a rotation a node may still send the
 * cross-signed intermediate though its leaf is now signed directly by the (new) trusted root.
 */
public final class ChainVerifier {
  private final List<X509Certificate> roots;
  private final String clusterId;

  public ChainVerifier(List<X509Certificate> roots, String clusterId) {
    this.roots = List.copyOf(roots);
    this.clusterId = clusterId;
  }

  /** The identity of the chain's leaf, or an error naming why it is refused. */
  public NodeIdentity verify(List<X509Certificate> chain, Set<NodeRole> accepted, Instant at) {
    if (chain == null || chain.isEmpty()) {
      throw new UnauthorizedException("no certificate was presented; this cluster requires a node certificate");
    }
    X509Certificate leaf = chain.getFirst();
    String who = leaf.getSubjectX500Principal().getName();
    Date when = Date.from(at);
    for (X509Certificate c : chain) {
      if (when.after(c.getNotAfter())) {
        throw new UnauthorizedException("certificate \"" + c.getSubjectX500Principal().getName()
            + "\" expired at " + c.getNotAfter().toInstant() + " (it is now " + at + ")");
      }
      if (when.before(c.getNotBefore())) {
        throw new UnauthorizedException("certificate \"" + c.getSubjectX500Principal().getName()
            + "\" is not valid before " + c.getNotBefore().toInstant() + " (it is now " + at + ")");
      }
    }
    if (!chainsToRoot(chain, when)) {
      throw new UnauthorizedException("certificate \"" + who + "\" is not signed by this cluster's root CA"
          + " (a certificate of another cluster, or of a root rotated away)");
    }
    NodeIdentity identity = NodeIdentity.of(leaf);
    if (!identity.clusterId().equals(clusterId)) {
      throw new UnauthorizedException("certificate of node " + identity.nodeId() + " belongs to cluster "
          + identity.clusterId() + ", not to this cluster " + clusterId);
    }
    if (!accepted.contains(identity.role())) {
      throw new ForbiddenException("node " + identity.nodeId() + " has role " + identity.role().ou()
          + "; only " + accepted.stream().map(NodeRole::ou).sorted().collect(Collectors.joining(" or "))
          + " may do this");
    }
    return identity;
  }

  private boolean chainsToRoot(List<X509Certificate> chain, Date when) {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate r : roots) {
      anchors.add(new TrustAnchor(r, null));
    }
    for (int n = 1; n <= chain.size(); n++) {
      try {
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        params.setDate(when);
        CertPathValidator.getInstance("PKIX").validate(
            CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, n)), params);
        return true;
      } catch (GeneralSecurityException e) {
        // try the next prefix; the refusal is reported by the caller
      }
    }
    return false;
  }
}
