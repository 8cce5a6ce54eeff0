package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.UnauthorizedException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who a node certificate says its holder is: the node id (CN), its role (OU) and its cluster (O).
 * Only meaningful once the certificate's chain has been verified ({@link ChainVerifier}).
 */
public record NodeIdentity(String nodeId, NodeRole role, String clusterId) {

  /** The identity a leaf certificate's subject names; a subject without all three is refused. */
  public static NodeIdentity of(X509Certificate leaf) {
    X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
    String cn = single(subject, BCStyle.CN, "CN", leaf);
    String ou = single(subject, BCStyle.OU, "OU", leaf);
    String o = single(subject, BCStyle.O, "O", leaf);
    NodeRole role;
    try {
      role = NodeRole.fromOu(ou);
    } catch (RuntimeException e) {
      throw new UnauthorizedException("certificate of " + cn + ": " + e.getMessage());
    }
    return new NodeIdentity(cn, role, o);
  }

  private static String single(X500Name subject, ASN1ObjectIdentifier type, String label, X509Certificate leaf) {
    RDN[] rdns = subject.getRDNs(type);
    if (rdns.length != 1) {
      throw new UnauthorizedException("certificate \"" + leaf.getSubjectX500Principal().getName()
          + "\" does not name a cluster node: it has " + rdns.length + " " + label + " fields, expected 1");
    }
    return IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }
}
