package io.berth.http;

import io.berth.errdefs.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the TLS server context from the PEM files dockerd users already have
 * ({@code --tlscert}, {@code --tlskey}, {@code --tlscacert}), and a registry client's context from
 * a {@code certs.d} directory's; {@link Pem} reads the files.
 */
public final class TlsContexts {
  private TlsContexts() {}

  public static SSLContext server(Path cert, Path key, Path ca) {
    try {
      List<X509Certificate> chain = Pem.certificates(cert);
      if (chain.isEmpty()) {
        throw new InvalidArgumentException("no certificate in " + cert);
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", Pem.privateKey(key), new char[0], chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      TrustManagerFactory tmf = null;
      if (ca != null) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : Pem.certificates(ca)) {
          ts.setCertificateEntry("ca" + i++, c);
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
      KeyStore ts = KeyStore.getInstance(new java.io.File(System.getProperty("java.home"), "lib/security/cacerts"),
          (char[]) null);
      int i = 0;
      for (Path ca : caFiles) {
        for (X509Certificate c : Pem.certificates(ca)) {
          ts.setCertificateEntry("berth-extra-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      KeyManagerFactory kmf = null;
      if (cert != null && key != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", Pem.privateKey(key), new char[0], Pem.certificates(cert).toArray(new Certificate[0]));
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
}
