package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/**
 * The one key type of the cluster: ECDSA on P-256, as swarmkit uses for roots and nodes (the
 * strength of RSA 3072 at a fraction of the cost of a handshake). Keys come from the JDK's
 * provider; Bouncy Castle only writes certificates around them.
 */
public final class EcKeys {
  /** The JCA signature algorithm every cluster certificate is signed with. */
  public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private static final ECParameterSpec P256 = p256();

  private EcKeys() {}

  /** A fresh P-256 key pair. */
  public static KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), random);
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make P-256 keys", e);
    }
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK does not know P-256", e);
    }
  }

  /** Whether {@code privateKey} is the private half of {@code publicKey} (signs a probe, verifies it). */
  public static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) {
    byte[] probe = "berth key pair check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature sign = Signature.getInstance(SIGNATURE_ALGORITHM);
      sign.initSign(privateKey);
      sign.update(probe);
      byte[] sig = sign.sign();
      Signature verify = Signature.getInstance(SIGNATURE_ALGORITHM);
      verify.initVerify(publicKey);
      verify.update(probe);
      return verify.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Refuses, by name, a public key that is not ECDSA P-256 (what a CSR must carry). */
  static void requireP256(PublicKey key, String whose) {
    if (!(key instanceof ECPublicKey ec)
        || ec.getParams().getCurve().getField().getFieldSize() != 256
        || !ec.getParams().getOrder().equals(P256.getOrder())) {
      throw new InvalidArgumentException(
          whose + " has a " + key.getAlgorithm() + " key; cluster keys must be ECDSA P-256");
    }
  }
}
