package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.UnauthorizedException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The joining node's side of a join, in the order swarmkit does it: read the token, pin the CA
 * bundle the manager sends against the token's digest, make a key and a CSR, and accept the
 * issued certificate only if it chains to the pinned root and carries this node's key. The
 * transport (fetching the bundle, sending the CSR) is the caller's.
 */
public final class JoinRequest {
  /** What a node holds once admitted: its key, its certificate, the roots it trusts, who it is. */
  public record Joined(PrivateKey key, NodeCertificate certificate, List<X509Certificate> trustedRoots,
      NodeIdentity identity) {}

  private final JoinToken token;
  private final String tokenText;
  private final KeyPair keys;
  private List<X509Certificate> roots;

  private JoinRequest(JoinToken token, String tokenText, KeyPair keys) {
    this.token = token;
    this.tokenText = tokenText;
    this.keys = keys;
  }

  /** Starts a join with {@code tokenText}; a malformed token is refused here, before any network. */
  public static JoinRequest start(String tokenText, SecureRandom random) {
    return new JoinRequest(JoinToken.parse(tokenText), tokenText.trim(), EcKeys.generate(random));
  }

  /** The token to send with the CSR. */
  public String token() {
    return tokenText;
  }

  /** Accepts the manager's CA bundle if it matches the token's digest; from now on only it is trusted. */
  public List<X509Certificate> pin(String bundlePem) {
    roots = CaPin.verify(token, bundlePem);
    return roots;
  }

  /** The request to send (the node's key, proven by its signature). */
  public byte[] csr() {
    return CertificateRequests.create(keys);
  }

  /**
   * What the node keeps from the certificate the manager issued, which must chain to the
   * pinned root and certify this node's own key.
   */
  public Joined accept(NodeCertificate issued, Instant now) {
    if (roots == null) {
      throw new FailedPreconditionException("the CA bundle must be pinned before a certificate is accepted");
    }
    if (!issued.leaf().getPublicKey().equals(keys.getPublic())) {
      throw new UnauthorizedException("the certificate the manager issued is not for this node's key");
    }
    NodeIdentity who = NodeIdentity.of(issued.leaf());
    new ChainVerifier(roots, who.clusterId()).verify(issued.chain(), Set.of(NodeRole.values()), now);
    return new Joined(keys.getPrivate(), issued, roots, who);
  }
}
