package io.berth.cluster.dispatcher;

import io.grpc.netty.shaded.io.netty.handler.ssl.OpenSslCertificateException;
import io.grpc.netty.shaded.io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's trust manager as a refused node sees it: gRPC's Netty runs BoringSSL, which
 * sends a plain CertificateException from a trust manager as {@code internal_error}, so another
 * cluster's node would read a broken server. This keeps every check of the wrapped manager,
 * labels its refusals {@code bad_certificate}, and logs the reason on the manager, the only
 * side that knows it. (The Raft transport does the same over Ratis' own shaded Netty.)
 */
final class RefusedPeers extends X509ExtendedTrustManager {
  private static final Logger LOG = LoggerFactory.getLogger(RefusedPeers.class);
  private final X509ExtendedTrustManager delegate;

  RefusedPeers(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private static void labelled(X509Certificate[] chain, Check check) throws CertificateException {
    try {
      check.run();
    } catch (CertificateException e) {
      String who = chain == null || chain.length == 0 ? "(no certificate)"
          : chain[0].getSubjectX500Principal().getName();
      LOG.info("refused a node's certificate {}: {}", who, e.getMessage());
      throw e instanceof OpenSslCertificateException ? e
          : new OpenSslCertificateException(e.getMessage(), e, CertificateVerifier.X509_V_ERR_CERT_REJECTED);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    labelled(chain, () -> delegate.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    labelled(chain, () -> delegate.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    labelled(chain, () -> delegate.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    labelled(chain, () -> delegate.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    labelled(chain, () -> delegate.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    labelled(chain, () -> delegate.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
