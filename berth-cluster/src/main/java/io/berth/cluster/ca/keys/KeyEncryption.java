package io.berth.cluster.ca.keys;

import io.berth.errdefs.FailedPreconditionException;
import io.berth.errdefs.UnauthorizedException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.Provider;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A private key as an "ENCRYPTED PRIVATE KEY" PEM block (PKCS#8, PBES2: PBKDF2-HMAC-SHA256 and
 * AES-256-CBC), the standard form openssl reads too. Bouncy Castle's provider is used as an
 * instance, never registered, so nothing else in the JVM changes.
 */
final class KeyEncryption {
  private static final Provider BC = new BouncyCastleProvider();
  /** The passphrase is a random 256-bit key already; iterations only slow the unlock. */
  private static final int ITERATIONS = 10_000;

  private KeyEncryption() {}

  static String encrypt(PrivateKey key, UnlockKey kek) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
          .setProvider(BC)
          .setPRF(JcaPKCS8Generator.PRF_HMACSHA256)
          .setIterationCount(ITERATIONS)
          .setPassword(kek.passphrase())
          .build();
      w.writeObject(new JcaPKCS8Generator(key, encryptor));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot encrypt the node key", e);
    }
    return out.toString();
  }

  /** Whether {@code pem} holds an encrypted key (so an unlock key is needed to read it). */
  static boolean isEncrypted(String pem) {
    return pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
  }

  /** The key, or Docker's "invalid key provided" refusal when {@code kek} does not open it. */
  static PrivateKey decrypt(String pem, UnlockKey kek, String where) {
    Object o;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      o = parser.readObject();
    } catch (IOException e) {
      throw new FailedPreconditionException(where + " is not a PEM key: " + e.getMessage());
    }
    if (!(o instanceof PKCS8EncryptedPrivateKeyInfo enc)) {
      throw new FailedPreconditionException(where + " holds no encrypted PKCS#8 key");
    }
    try {
      PrivateKeyInfo info = enc.decryptPrivateKeyInfo(
          new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(kek.passphrase()));
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (PKCSException | OperatorCreationException | IOException | RuntimeException e) {
      // a wrong key fails the padding check, or (rarely) yields bytes that are not a key
      throw new UnauthorizedException(
          "swarm could not be unlocked: invalid key provided (it does not decrypt the node key in " + where + ")");
    }
  }
}
