package io.berth.cluster.ca.rotation;

import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.Pem;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.model.TlsInfo;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Docker's TLSInfo from the CA and from a node's credentials, computed the same way on both sides
 * so they compare byte for byte: a node has converged on a rotation when the issuer of its
 * certificate is the CA's desired issuer, and on its trust when it trusts exactly the roots the
 * managers hand out.
 */
public final class TlsInfos {
  private TlsInfos() {}

  /**
   * What the swarm object shows (Docker's {@code ClusterInfo.TLSInfo}): the root joining nodes pin
   * (the old root until a rotation finishes) and the issuer node certificates should come from.
   */
  public static TlsInfo ofCluster(ClusterCa ca) {
    return issuedBy(ca.rootPem(), ca.desiredIssuer());
  }

  /**
   * What the managers tell every node to hold: all roots to trust now (both during a rotation)
   * and the desired issuer.
   */
  public static TlsInfo forNodes(ClusterCa ca) {
    return issuedBy(Pem.certificates(ca.trustedRoots()), ca.desiredIssuer());
  }

  /**
   * What a node holds: its trusted roots and the issuer of its certificate (the intermediate it
   * sends, or else the trusted root whose key signed it).
   */
  public static TlsInfo held(NodeCredentials.Material m) {
    String roots = Pem.certificates(m.trustedRoots());
    List<X509Certificate> chain = m.certificate().chain();
    if (chain.size() > 1) {
      return issuedBy(roots, chain.get(1));
    }
    X509Certificate leaf = chain.getFirst();
    for (X509Certificate r : m.trustedRoots()) {
      try {
        leaf.verify(r.getPublicKey());
        return issuedBy(roots, r);
      } catch (GeneralSecurityException e) {
        // not this root
      }
    }
    return new TlsInfo(roots, base64(leaf.getIssuerX500Principal().getEncoded()), null);
  }

  /** Whether a node holding {@code held} has a certificate from {@code desired}'s issuer. */
  public static boolean sameIssuer(TlsInfo held, TlsInfo desired) {
    return desired.certIssuerPublicKey() != null
        && desired.certIssuerPublicKey().equals(held.certIssuerPublicKey())
        && desired.certIssuerSubject().equals(held.certIssuerSubject());
  }

  private static TlsInfo issuedBy(String trustRoot, X509Certificate issuer) {
    return new TlsInfo(trustRoot, base64(issuer.getSubjectX500Principal().getEncoded()),
        base64(issuer.getPublicKey().getEncoded()));
  }

  private static String base64(byte[] der) {
    return Base64.getEncoder().encodeToString(der);
  }
}
