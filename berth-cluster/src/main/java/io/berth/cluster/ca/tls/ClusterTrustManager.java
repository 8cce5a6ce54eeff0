package io.berth.cluster.ca.tls;

import io.berth.cluster.ca.ChainVerifier;
import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.BerthException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts a peer only if its chain reaches one of the roots the node trusts now, names this
 * cluster, and carries one of the roles this endpoint accepts (a worker's certificate is refused
 * where a manager is required). Host names are not checked: cluster peers are identified by their
 * certificate's node id and role, as in swarmkit.
 */
public final class ClusterTrustManager extends X509ExtendedTrustManager {
  private final NodeCredentials credentials;
  private final Set<NodeRole> acceptedPeerRoles;
  private final Clock clock;

  public ClusterTrustManager(NodeCredentials credentials, Set<NodeRole> acceptedPeerRoles, Clock clock) {
    if (acceptedPeerRoles.isEmpty()) {
      throw new IllegalArgumentException("a trust manager must accept at least one peer role");
    }
    this.credentials = credentials;
    this.acceptedPeerRoles = EnumSet.copyOf(acceptedPeerRoles);
    this.clock = clock;
  }

  private void check(X509Certificate[] chain) throws CertificateException {
    NodeCredentials.Material m = credentials.current();
    try {
      new ChainVerifier(m.trustedRoots(), m.clusterId())
          .verify(chain == null ? null : Arrays.asList(chain), acceptedPeerRoles, clock.instant());
    } catch (BerthException e) {
      throw new CertificateException(e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return credentials.current().trustedRoots().toArray(X509Certificate[]::new);
  }
}
