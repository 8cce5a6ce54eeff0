package io.berth.cluster.ca;

import io.berth.errdefs.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text of certificates and keys, the form swarmkit stores and sends them in. Bundles are
 * written byte-for-byte the same every time, because the join token pins the root by the digest
 * of exactly these bytes.
 */
public final class Pem {
  private Pem() {}

  /** The certificates, one PEM block each, in order. */
  public static String certificates(List<X509Certificate> certs) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (X509Certificate c : certs) {
        w.writeObject(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Every certificate in a PEM bundle, in order; a bundle without one is refused. */
  public static List<X509Certificate> parseCertificates(String pem, String what) {
    try {
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .stream().map(X509Certificate.class::cast).toList();
      if (certs.isEmpty()) {
        throw new InvalidArgumentException(what + " holds no PEM certificate");
      }
      return certs;
    } catch (CertificateException e) {
      throw new InvalidArgumentException(what + " is not a PEM certificate bundle: " + e.getMessage(), e);
    }
  }

  /** An unencrypted PKCS#8 "PRIVATE KEY" block. */
  public static String privateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The key of an unencrypted "PRIVATE KEY" or "EC PRIVATE KEY" block. */
  public static PrivateKey parsePrivateKey(String pem, String what) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      throw new InvalidArgumentException(what + " holds no unencrypted PEM private key"
          + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
    } catch (IOException e) {
      throw new InvalidArgumentException(what + " is not a PEM private key: " + e.getMessage(), e);
    }
  }
}
