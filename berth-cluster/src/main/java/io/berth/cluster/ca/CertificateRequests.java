package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 requests between a node and the CA. The node proves it holds its key by signing the
 * request; the CA takes nothing else from it (subject, names and lifetime are the CA's), as
 * swarmkit's signing policy whitelists only the public key and algorithms.
 */
public final class CertificateRequests {
  private CertificateRequests() {}

  /** The DER of a request for {@code keys}, with an empty subject (the CA fills it in). */
  public static byte[] create(KeyPair keys) {
    try {
      return new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]), keys.getPublic())
          .build(new JcaContentSignerBuilder(EcKeys.SIGNATURE_ALGORITHM).build(keys.getPrivate()))
          .getEncoded();
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot write a certificate request", e);
    }
  }

  /**
   * The public key of a request whose signature verifies and whose key is ECDSA P-256; anything
   * else is refused with what was wrong.
   */
  public static PublicKey verifiedKey(byte[] der) {
    if (der == null || der.length == 0) {
      throw new InvalidArgumentException("certificate request is empty");
    }
    JcaPKCS10CertificationRequest csr;
    PublicKey key;
    try {
      csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der));
      key = csr.getPublicKey();
    } catch (IOException | RuntimeException | GeneralSecurityException e) {
      throw new InvalidArgumentException("certificate request is not valid PKCS#10 DER: " + e.getMessage(), e);
    }
    EcKeys.requireP256(key, "certificate request");
    try {
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new InvalidArgumentException("certificate request signature does not verify with its own key");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw new InvalidArgumentException("certificate request signature cannot be checked: " + e.getMessage(), e);
    }
    return key;
  }
}
