package io.berth.cluster.ca.tls;

import io.berth.cluster.ca.NodeIdentity;
import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.UnauthorizedException;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Mutual-TLS endpoints for cluster traffic, built from a node's {@link NodeCredentials}: a server
 * that requires a client certificate of this cluster in one of the roles it names, and a client
 * that requires the server to be a manager of this cluster (or the roles it names). The key and
 * trust managers are exposed too, for transports that take them rather than an {@code SSLContext}
 * (Ratis' gRPC TLS configuration, Netty's {@code SslContextBuilder}).
 */
public final class ClusterTls {
  /** TLS 1.3, and 1.2 for peers that lack it (swarmkit's minimum). */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final NodeCredentials credentials;
  private final Clock clock;

  public ClusterTls(NodeCredentials credentials, Clock clock) {
    this.credentials = credentials;
    this.clock = clock;
  }

  public KeyManager keyManager() {
    return new NodeKeyManager(credentials);
  }

  /** A trust manager accepting peers of this cluster in {@code peerRoles}. */
  public ClusterTrustManager trustManager(Set<NodeRole> peerRoles) {
    return new ClusterTrustManager(credentials, peerRoles, clock);
  }

  /** A context whose peers must be of this cluster in {@code peerRoles}. */
  public SSLContext context(Set<NodeRole> peerRoles) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {keyManager()}, new TrustManager[] {trustManager(peerRoles)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make a TLS context", e);
    }
  }

  /** A server engine that requires a client certificate of this cluster in {@code clientRoles}. */
  public SSLEngine serverEngine(Set<NodeRole> clientRoles) {
    SSLEngine engine = context(clientRoles).createSSLEngine();
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    engine.setEnabledProtocols(PROTOCOLS);
    return engine;
  }

  /** A client engine that presents this node's certificate and requires a server in {@code serverRoles}. */
  public SSLEngine clientEngine(Set<NodeRole> serverRoles) {
    SSLEngine engine = context(serverRoles).createSSLEngine();
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(PROTOCOLS);
    return engine;
  }

  /** A listening socket that requires client certificates of this cluster in {@code clientRoles}. */
  public SSLServerSocket serverSocket(InetAddress bind, int port, Set<NodeRole> clientRoles) throws IOException {
    SSLServerSocket s = (SSLServerSocket) context(clientRoles).getServerSocketFactory().createServerSocket(port, 50, bind);
    s.setNeedClientAuth(true);
    s.setEnabledProtocols(PROTOCOLS);
    return s;
  }

  /** A connected client socket (handshake on first use) requiring a server in {@code serverRoles}. */
  public SSLSocket clientSocket(InetAddress host, int port, Set<NodeRole> serverRoles) throws IOException {
    SSLSocket s = (SSLSocket) context(serverRoles).getSocketFactory().createSocket(host, port);
    s.setEnabledProtocols(PROTOCOLS);
    return s;
  }

  /**
   * Who is on the other end of an established session: for per-call checks finer than the
   * endpoint's accepted roles (a manager's control API refusing a worker that may use the
   * dispatcher on the same port).
   */
  public static NodeIdentity peer(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return NodeIdentity.of((X509Certificate) chain[0]);
    } catch (SSLPeerUnverifiedException e) {
      throw new UnauthorizedException("the peer presented no certificate");
    }
  }
}
