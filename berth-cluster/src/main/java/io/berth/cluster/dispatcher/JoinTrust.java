package io.berth.cluster.dispatcher;

import io.berth.cluster.ca.ChainVerifier;
import io.berth.cluster.ca.NodeIdentity;
import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.BerthException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a joining node trusts before it has a certificate. First nothing: it fetches the CA
 * bundle over a connection whose server it cannot check yet and sends nothing on it but the
 * request for the bundle; the bundle is then pinned against the token's digest. Then only a
 * manager certificate that chains to the pinned root: the token goes over that connection only.
 */
final class JoinTrust extends X509ExtendedTrustManager {
  private final List<X509Certificate> pinned;
  private final Clock clock;

  private JoinTrust(List<X509Certificate> pinned, Clock clock) {
    this.pinned = pinned;
    this.clock = clock;
  }

  /** Accepts any server: only for fetching the CA bundle, which is verified by digest afterwards. */
  static JoinTrust unverified() {
    return new JoinTrust(null, null);
  }

  /** Accepts a manager of the cluster whose root is one of {@code roots}. */
  static JoinTrust pinned(List<X509Certificate> roots, Clock clock) {
    return new JoinTrust(List.copyOf(roots), clock);
  }

  private void checkServer(X509Certificate[] chain) throws CertificateException {
    if (pinned == null) {
      return;
    }
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the manager presented no certificate");
    }
    try {
      String clusterId = NodeIdentity.of(chain[0]).clusterId();
      new ChainVerifier(pinned, clusterId).verify(Arrays.asList(chain), Set.of(NodeRole.MANAGER), clock.instant());
    } catch (BerthException e) {
      throw new CertificateException("the manager's certificate does not chain to the pinned root CA: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    checkServer(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServer(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServer(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a joining node accepts no clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("a joining node accepts no clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a joining node accepts no clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pinned == null ? new X509Certificate[0] : pinned.toArray(X509Certificate[]::new);
  }
}
