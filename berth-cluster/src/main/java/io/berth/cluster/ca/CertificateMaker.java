package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Writes the three kinds of certificate the cluster uses, with the fields swarmkit gives them: a
 * self-signed root (CN {@code swarm-ca}), the same root cross-signed by the previous one during a
 * rotation, and node certificates whose subject and names come from the CA, never from the CSR
 * (only the CSR's public key is trusted).
 */
final class CertificateMaker {
  /** Swarmkit's root common name; every cluster root is called this. */
  static final String ROOT_CN = "swarm-ca";

  private final SecureRandom random;

  CertificateMaker(SecureRandom random) {
    this.random = random;
  }

  /** A self-signed CA certificate for {@code key}, valid from {@code from} to {@code until}. */
  X509Certificate root(PublicKey publicKey, PrivateKey privateKey, Instant from, Instant until) {
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, ROOT_CN).build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          name, serial(), Date.from(from), Date.from(until), name, publicKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(publicKey));
      return sign(b, privateKey);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot write a root CA certificate", e);
    }
  }

  /**
   * {@code other} (a CA certificate) re-issued by {@code signer}: same subject, key, validity and
   * extensions, so a leaf signed by {@code other}'s key chains to {@code signer}'s root through it.
   */
  X509Certificate crossSign(X509Certificate other, X509Certificate signer, PrivateKey signerKey) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          signer.getSubjectX500Principal(), serial(), other.getNotBefore(), other.getNotAfter(),
          other.getSubjectX500Principal(), other.getPublicKey());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(other.getPublicKey()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(signer.getPublicKey()));
      return sign(b, signerKey);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot cross-sign the new root CA certificate", e);
    }
  }

  /**
   * A node certificate: CN the node id, OU the role, O the cluster id; DNS names the role and the
   * node id (and {@code swarm-ca} for managers, which serve the CA), as swarmkit writes them; usable
   * as both TLS server and client.
   */
  X509Certificate node(PublicKey nodeKey, String nodeId, NodeRole role, String clusterId,
      X509Certificate issuer, PrivateKey issuerKey, Instant from, Instant until) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, clusterId)
        .addRDN(BCStyle.OU, role.ou())
        .addRDN(BCStyle.CN, nodeId)
        .build();
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, role.ou()));
    names.add(new GeneralName(GeneralName.dNSName, nodeId));
    if (role == NodeRole.MANAGER) {
      names.add(new GeneralName(GeneralName.dNSName, ROOT_CN));
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), serial(),
          Date.from(from), Date.from(until), subject, nodeKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(nodeKey));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer.getPublicKey()));
      return sign(b, issuerKey);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot write the certificate of node " + nodeId, e);
    }
  }

  private X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(EcKeys.SIGNATURE_ALGORITHM).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  /** A random positive 127-bit serial, as RFC 5280 asks (unique, at most 20 octets). */
  private BigInteger serial() {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }
}
