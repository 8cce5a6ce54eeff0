package io.berth.client.tls;

import io.berth.http.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * docker's client TLS settings: {@code --tls} encrypts without checking the daemon,
 * {@code --tlsverify} (or {@code DOCKER_TLS_VERIFY}) also checks its certificate against
 * {@code --tlscacert} and its host name; a client certificate is presented when the files exist.
 * Files default to {@code ca.pem}, {@code cert.pem}, {@code key.pem} in {@code DOCKER_CERT_PATH}
 * (else {@code ~/.docker}).
 *
 * @param verify check the daemon's certificate chain and host name
 * @param caCert the CA bundle to trust when verifying
 * @param cert the client certificate, or null for none
 * @param key the client key, or null for none
 */
public record TlsOptions(boolean verify, Path caCert, Path cert, Path key) {

  /** The flags as given on the command line; null strings mean "not given". */
  public record Flags(boolean tls, boolean tlsVerify, String caCert, String cert, String key) {
    public static final Flags NONE = new Flags(false, false, null, null, null);
  }

  /** Applies docker's defaults and environment; null when TLS is off. */
  public static TlsOptions resolve(Flags f, Map<String, String> env) throws IOException {
    boolean verify = f.tlsVerify() || !env.getOrDefault("DOCKER_TLS_VERIFY", "").isEmpty()
        || !env.getOrDefault("BERTH_TLS_VERIFY", "").isEmpty();
    boolean tls = verify || f.tls() || !env.getOrDefault("DOCKER_TLS", "").isEmpty();
    if (!tls) {
      return null;
    }
    String base = env.getOrDefault("BERTH_CERT_PATH", env.get("DOCKER_CERT_PATH"));
    Path dir = base == null || base.isEmpty() ? Path.of(env.getOrDefault("HOME", "/root"), ".docker") : Path.of(base);
    Path ca = file(f.caCert(), dir.resolve("ca.pem"), "--tlscacert");
    Path cert = file(f.cert(), dir.resolve("cert.pem"), "--tlscert");
    Path key = file(f.key(), dir.resolve("key.pem"), "--tlskey");
    if (verify && ca == null) {
      throw new IOException("--tlsverify needs a CA certificate: pass --tlscacert or put ca.pem in " + dir);
    }
    if ((cert == null) != (key == null)) {
      throw new IOException("a client certificate needs both --tlscert and --tlskey");
    }
    return new TlsOptions(verify, ca, cert, key);
  }

  /** An explicit flag must name an existing file; a default file is used only when present. */
  private static Path file(String flag, Path dflt, String name) throws IOException {
    if (flag != null) {
      Path p = Path.of(flag);
      if (!Files.isReadable(p)) {
        throw new IOException("could not read " + name + " file " + p);
      }
      return p;
    }
    return Files.isReadable(dflt) ? dflt : null;
  }

  /** The SSL context these options describe. */
  public SSLContext context() throws IOException {
    try {
      KeyManager[] keys = null;
      if (cert != null) {
        List<X509Certificate> chain = certificates(cert);
        PrivateKey pk = Pem.privateKey(key);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", pk, new char[0], chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        keys = kmf.getKeyManagers();
      }
      TrustManager[] trust;
      if (verify) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(caCert)) {
          ts.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = tmf.getTrustManagers();
      } else {
        trust = new TrustManager[] {new TrustAll()};
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(Path file) throws IOException {
    List<X509Certificate> certs = Pem.certificates(file);
    if (certs.isEmpty()) {
      throw new IOException("no certificate found in " + file);
    }
    return certs;
  }

  /** {@code --tls} without {@code --tlsverify}: encryption only, as docker's InsecureSkipVerify. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
