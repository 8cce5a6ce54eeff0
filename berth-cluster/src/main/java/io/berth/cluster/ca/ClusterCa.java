package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cluster's certificate authority: one root, and while a rotation is under way a second one.
 * An immutable value (rotating returns a new one) so the replicated store can hold its
 * {@link #state()} and every manager rebuild the same CA from it.
 *
 * <p>During a rotation (swarmkit's scheme) new certificates are signed with the new root's key and
 * carry the new root cross-signed by the old as intermediate, so peers that trust only the old
 * root accept them; nodes trust both roots; joining nodes still pin the old root, whose digest the
 * join tokens carry. {@link #finishRotation()} then makes the new root the only one (and changes
 * the digest, so join tokens must be generated again).
 */
public final class ClusterCa {
  /** Node and cluster ids go into the subject and DNS names, so they are held to DNS-label text. */
  private static final Pattern NAME = Pattern.compile("[0-9a-z][0-9a-z-]{0,63}");

  private final String clusterId;
  private final Duration nodeCertExpiry;
  private final X509Certificate root;
  private final PrivateKey rootKey;
  private final Rotation rotation;
  private final Clock clock;
  private final SecureRandom random;

  private record Rotation(X509Certificate newRoot, PrivateKey newKey, X509Certificate crossSigned) {}

  private ClusterCa(String clusterId, Duration nodeCertExpiry, X509Certificate root, PrivateKey rootKey,
      Rotation rotation, Clock clock, SecureRandom random) {
    if (clusterId == null || !NAME.matcher(clusterId).matches()) {
      throw new InvalidArgumentException("cluster id \"" + clusterId + "\" is not 1 to 64 characters of [0-9a-z-]");
    }
    this.clusterId = clusterId;
    this.nodeCertExpiry = Lifetimes.requireNodeExpiry(nodeCertExpiry);
    this.root = root;
    this.rootKey = rootKey;
    this.rotation = rotation;
    this.clock = clock;
    this.random = random;
  }

  /** A new root CA for the cluster {@code clusterId} (ECDSA P-256, 20 years). */
  public static ClusterCa create(String clusterId, Clock clock) {
    SecureRandom random = new SecureRandom();
    KeyPair keys = EcKeys.generate(random);
    return new ClusterCa(clusterId, Lifetimes.DEFAULT_NODE, newRoot(keys, clock, random), keys.getPrivate(),
        null, clock, random);
  }

  /** The CA a stored {@link CaState} describes. */
  public static ClusterCa restore(CaState state, Clock clock) {
    Rotation rotation = null;
    if (state.rotation() != null) {
      rotation = new Rotation(
          Pem.parseCertificates(state.rotation().newRootCertPem(), "new root CA certificate").getFirst(),
          Pem.parsePrivateKey(state.rotation().newRootKeyPem(), "new root CA key"),
          Pem.parseCertificates(state.rotation().crossSignedPem(), "cross-signed root CA certificate").getFirst());
    }
    return new ClusterCa(state.clusterId(), Duration.ofSeconds(state.nodeCertExpirySeconds()),
        Pem.parseCertificates(state.rootCertPem(), "root CA certificate").getFirst(),
        Pem.parsePrivateKey(state.rootKeyPem(), "root CA key"), rotation, clock, new SecureRandom());
  }

  /** What the replicated store keeps. */
  public CaState state() {
    CaState.Rotation r = rotation == null ? null : new CaState.Rotation(
        Pem.certificates(List.of(rotation.newRoot)), Pem.privateKey(rotation.newKey),
        Pem.certificates(List.of(rotation.crossSigned)));
    return new CaState(clusterId, nodeCertExpiry.toSeconds(), rootPem(), Pem.privateKey(rootKey), r);
  }

  /** This CA with another node certificate lifetime (swarm's {@code --cert-expiry}). */
  public ClusterCa withNodeCertExpiry(Duration expiry) {
    return new ClusterCa(clusterId, expiry, root, rootKey, rotation, clock, random);
  }

  /** This CA judging time by another clock (how tests make expired certificates). */
  public ClusterCa withClock(Clock other) {
    return new ClusterCa(clusterId, nodeCertExpiry, root, rootKey, rotation, other, random);
  }

  public String clusterId() {
    return clusterId;
  }

  public Duration nodeCertExpiry() {
    return nodeCertExpiry;
  }

  /** The root certificate as PEM: what a joining node is sent and pins by digest. */
  public String rootPem() {
    return Pem.certificates(List.of(root));
  }

  /** {@code sha256:<hex>} of {@link #rootPem()}'s bytes, the digest join tokens carry. */
  public String digest() {
    return digestOf(rootPem().getBytes(StandardCharsets.US_ASCII));
  }

  /** The {@code sha256:<hex>} digest of a CA bundle as sent over the wire. */
  public static String digestOf(byte[] bundle) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The roots a node trusts: this one, and during a rotation the new one too. */
  public List<X509Certificate> trustedRoots() {
    return rotation == null ? List.of(root) : List.of(root, rotation.newRoot);
  }

  public boolean rotating() {
    return rotation != null;
  }

  /**
   * Signs a node certificate for {@code nodeId} in {@code role} around the CSR's key (the CSR's
   * signature and key type are checked; nothing else in it is used).
   */
  public NodeCertificate issue(byte[] csrDer, String nodeId, NodeRole role) {
    return issue(CertificateRequests.verifiedKey(csrDer), nodeId, role);
  }

  /** Signs a node certificate around a public key the caller already verified. */
  public NodeCertificate issue(PublicKey nodeKey, String nodeId, NodeRole role) {
    if (nodeId == null || !NAME.matcher(nodeId).matches()) {
      throw new InvalidArgumentException("node id \"" + nodeId + "\" is not 1 to 64 characters of [0-9a-z-]");
    }
    EcKeys.requireP256(nodeKey, "node " + nodeId);
    Instant now = clock.instant();
    X509Certificate signer = rotation == null ? root : rotation.crossSigned;
    PrivateKey signerKey = rotation == null ? rootKey : rotation.newKey;
    X509Certificate leaf = new CertificateMaker(random).node(nodeKey, nodeId, role, clusterId, signer, signerKey,
        now.minus(Lifetimes.BACKDATE), now.plus(nodeCertExpiry));
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    if (rotation != null) {
      chain.add(rotation.crossSigned);
    }
    return new NodeCertificate(chain);
  }

  /**
   * A new certificate for the node that presents {@code current} (which must still be a valid
   * certificate of this cluster) in the role the cluster now gives it: promotion and demotion
   * take effect at renewal, as in swarmkit.
   */
  public NodeCertificate renew(NodeCertificate current, byte[] csrDer, NodeRole role) {
    NodeIdentity who = verifier().verify(current.chain(), Set.of(NodeRole.values()), clock.instant());
    return issue(csrDer, who.nodeId(), role);
  }

  /**
   * The certificate whose key signs node certificates now: the new root during a rotation, the
   * root otherwise. Nodes holding a certificate from another issuer must renew (swarmkit's
   * "desired issuer").
   */
  public X509Certificate desiredIssuer() {
    return rotation == null ? root : rotation.newRoot;
  }

  /** Whether {@code cert} was signed with the key now signing (a node converged after a rotation). */
  public boolean issuedByCurrentSigner(NodeCertificate cert) {
    PublicKey signer = rotation == null ? root.getPublicKey() : rotation.newRoot.getPublicKey();
    try {
      cert.leaf().verify(signer);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The verifier of chains presented to this CA's cluster, trusting {@link #trustedRoots()}. */
  public ChainVerifier verifier() {
    return new ChainVerifier(trustedRoots(), clusterId);
  }

  /** Starts a root rotation (or restarts one under way): a fresh root, cross-signed by the current one. */
  public ClusterCa startRotation() {
    KeyPair keys = EcKeys.generate(random);
    return rotateTo(newRoot(keys, clock, random), keys.getPrivate());
  }

  /**
   * Starts a rotation to a root the user supplies ({@code swarm ca --rotate --ca-cert --ca-key}):
   * it must be a self-signed P-256 CA whose key is {@code newKey}, valid for at least a year.
   */
  public ClusterCa startRotation(String newRootPem, String newKeyPem) {
    X509Certificate newRoot = Pem.parseCertificates(newRootPem, "--ca-cert").getFirst();
    PrivateKey newKey = Pem.parsePrivateKey(newKeyPem, "--ca-key");
    SuppliedRoot.check(newRoot, newKey, clock.instant());
    return rotateTo(newRoot, newKey);
  }

  /**
   * A rotation from the current root to {@code newRoot}. One already under way is replaced, as in
   * swarmkit: the current root stays trusted throughout, so nodes that took a certificate from the
   * abandoned target keep working and simply renew again.
   */
  private ClusterCa rotateTo(X509Certificate newRoot, PrivateKey newKey) {
    X509Certificate crossSigned = new CertificateMaker(random).crossSign(newRoot, root, rootKey);
    return new ClusterCa(clusterId, nodeCertExpiry, root, rootKey, new Rotation(newRoot, newKey, crossSigned),
        clock, random);
  }

  /** Ends a rotation: the new root is the only one trusted from now on. */
  public ClusterCa finishRotation() {
    if (rotation == null) {
      throw new FailedPreconditionException("no root CA rotation is in progress");
    }
    return new ClusterCa(clusterId, nodeCertExpiry, rotation.newRoot, rotation.newKey, null, clock, random);
  }

  private static X509Certificate newRoot(KeyPair keys, Clock clock, SecureRandom random) {
    Instant now = clock.instant();
    return new CertificateMaker(random).root(keys.getPublic(), keys.getPrivate(),
        now.minus(Lifetimes.BACKDATE), now.plus(Lifetimes.ROOT));
  }
}
