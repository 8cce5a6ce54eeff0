package io.berth.cluster.ca;

import io.berth.errdefs.UnauthorizedException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The joining node's side of the join: the manager's CA bundle is fetched over a connection that
 * cannot be trusted yet, so it is accepted only if its bytes hash to the digest in the join token
 * (the whole bundle, so a man in the middle cannot slip an extra root in beside the right one),
 * and every certificate in it is a self-signed CA.
 */
public final class CaPin {
  private CaPin() {}

  /** The roots in {@code bundlePem} if they match {@code token}'s digest; otherwise refused. */
  public static List<X509Certificate> verify(JoinToken token, String bundlePem) {
    String got = ClusterCa.digestOf(bundlePem.getBytes(StandardCharsets.US_ASCII));
    if (!got.equals(token.caDigest())) {
      throw new UnauthorizedException("remote CA does not match fingerprint. Expected: "
          + token.caDigest().substring("sha256:".length()) + ", got: " + got.substring("sha256:".length()));
    }
    List<X509Certificate> roots = Pem.parseCertificates(bundlePem, "remote CA bundle");
    for (X509Certificate r : roots) {
      try {
        r.verify(r.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new UnauthorizedException("remote CA certificate \"" + r.getSubjectX500Principal().getName()
            + "\" is not a self-signed root: " + e.getMessage());
      }
      if (r.getBasicConstraints() < 0) {
        throw new UnauthorizedException("remote CA certificate \"" + r.getSubjectX500Principal().getName()
            + "\" is not a CA certificate");
      }
    }
    return roots;
  }
}
