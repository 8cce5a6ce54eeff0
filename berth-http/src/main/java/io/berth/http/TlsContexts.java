package io.berth.http;

import io.berth.errdefs.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS server context from the PEM files dockerd users already have
 * ({@code --tlscert}, {@code --tlskey}, {@code --tlscacert}). Keys must be PKCS#8
 * ({@code BEGIN PRIVATE KEY}, RSA or EC) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}).
 */
public final class TlsContexts {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private TlsContexts() {}

  public static SSLContext server(Path cert, Path key, Path ca) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<Certificate> chain = new ArrayList<>();
      for (byte[] der : blocks(cert, "CERTIFICATE")) {
        chain.add(cf.generateCertificate(new ByteArrayInputStream(der)));
      }
      if (chain.isEmpty()) {
        throw new InvalidArgumentException("no certificate in " + cert);
      }
      PrivateKey pk = privateKey(key);
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", pk, new char[0], chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      TrustManagerFactory tmf = null;
      if (ca != null) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (byte[] der : blocks(ca, "CERTIFICATE")) {
          ts.setCertificateEntry("ca" + i++, cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidArgumentException("could not load TLS material (" + cert + ", " + key + "): " + e.getMessage());
    }
  }

  /**
   * A client context that trusts the JDK's CAs plus {@code caFiles} (PEM), presenting
   * {@code cert}/{@code key} when both are given: what a registry's {@code certs.d} directory
   * describes.
   */
  public static SSLContext client(List<Path> caFiles, Path cert, Path key) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      KeyStore ts = KeyStore.getInstance(new java.io.File(System.getProperty("java.home"), "lib/security/cacerts"),
          (char[]) null);
      int i = 0;
      for (Path ca : caFiles) {
        for (byte[] der : blocks(ca, "CERTIFICATE")) {
          ts.setCertificateEntry("berth-extra-" + i++, cf.generateCertificate(new ByteArrayInputStream(der)));
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      KeyManagerFactory kmf = null;
      if (cert != null && key != null) {
        List<Certificate> chain = new ArrayList<>();
        for (byte[] der : blocks(cert, "CERTIFICATE")) {
          chain.add(cf.generateCertificate(new ByteArrayInputStream(der)));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", privateKey(key), new char[0], chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidArgumentException("could not load registry TLS material " + caFiles + ": " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path key) throws IOException, GeneralSecurityException {
    String text = Files.readString(key);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (m.group(1)) {
        case "PRIVATE KEY" -> {
          for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
              return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
              // another algorithm
            }
          }
        }
        case "RSA PRIVATE KEY" -> {
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapPkcs1(der)));
        }
        default -> {
          // skip other blocks
        }
      }
    }
    throw new InvalidArgumentException("no usable private key in " + key
        + " (expected PKCS#8 'PRIVATE KEY' or 'RSA PRIVATE KEY')");
  }

  /** Wraps a PKCS#1 RSA key in the PKCS#8 structure the JDK's KeyFactory reads. */
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
        0x01, 0x01, 0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octet = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algId.length + octet.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algId, 0, body, version.length, algId.length);
    System.arraycopy(octet, 0, body, version.length + algId.length, octet.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int len = content.length;
    byte[] lenBytes;
    if (len < 128) {
      lenBytes = new byte[] {(byte) len};
    } else if (len < 256) {
      lenBytes = new byte[] {(byte) 0x81, (byte) len};
    } else if (len < 65536) {
      lenBytes = new byte[] {(byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      lenBytes = new byte[] {(byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    byte[] out = new byte[1 + lenBytes.length + len];
    out[0] = (byte) tag;
    System.arraycopy(lenBytes, 0, out, 1, lenBytes.length);
    System.arraycopy(content, 0, out, 1 + lenBytes.length, len);
    return out;
  }

  private static List<byte[]> blocks(Path file, String type) throws IOException {
    List<byte[]> out = new ArrayList<>();
    Matcher m = PEM.matcher(Files.readString(file));
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }
}
