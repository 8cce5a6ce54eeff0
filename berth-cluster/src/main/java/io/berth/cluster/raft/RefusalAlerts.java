package io.berth.cluster.raft;

import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.ratis.thirdparty.io.netty.handler.ssl.OpenSslCertificateException;
import org.apache.ratis.thirdparty.io.netty.internal.tcnative.CertificateVerifier;

/**
 * Lets a refused peer read why in the TLS alert. Ratis' gRPC runs on Netty's OpenSSL engine
 * (BoringSSL), which reports a plain {@link CertificateException} from the trust manager as an
 * unspecified verify error and sends it as {@code internal_error}: a worker or another cluster's
 * manager knocking on the Raft port then looks like a broken server. This decorator keeps every
 * check of the trust manager it wraps and only labels its refusals {@code bad_certificate} (the
 * reason stays in the refusing side's log, as the cause); expiry and revocation keep the alerts
 * Netty already gives them.
 */
final class RefusalAlerts extends X509ExtendedTrustManager {
  private static final Set<CertPathValidatorException.Reason> LABELLED = Set.of(
      BasicReason.EXPIRED, BasicReason.NOT_YET_VALID, BasicReason.REVOKED);
  private final X509ExtendedTrustManager delegate;

  private RefusalAlerts(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  /** Wraps an extended trust manager; any other is returned as it is (Netty wraps those itself). */
  static TrustManager wrap(TrustManager tm) {
    return tm instanceof X509ExtendedTrustManager x ? new RefusalAlerts(x) : tm;
  }

  private interface Check {
    void run() throws CertificateException;
  }

  private static void labelled(Check check) throws CertificateException {
    try {
      check.run();
    } catch (CertificateException e) {
      throw nettyLabels(e) ? e : new OpenSslCertificateException(e.getMessage(), e, CertificateVerifier.X509_V_ERR_CERT_REJECTED);
    }
  }

  /** The refusals Netty already turns into a precise alert (expired, not yet valid, revoked). */
  private static boolean nettyLabels(CertificateException e) {
    if (e instanceof CertificateExpiredException || e instanceof CertificateNotYetValidException
        || e instanceof CertificateRevokedException || e instanceof OpenSslCertificateException) {
      return true;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof CertPathValidatorException v && LABELLED.contains(v.getReason())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    labelled(() -> delegate.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    labelled(() -> delegate.checkServerTrusted(chain, authType));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    labelled(() -> delegate.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    labelled(() -> delegate.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    labelled(() -> delegate.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    labelled(() -> delegate.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
