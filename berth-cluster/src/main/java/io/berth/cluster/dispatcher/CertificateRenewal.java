package io.berth.cluster.dispatcher;

import io.berth.cluster.ca.CertificateRequests;
import io.berth.cluster.ca.ChainVerifier;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.Lifetimes;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.model.NodeRole;
import io.berth.cluster.ca.Pem;
import io.berth.cluster.ca.rotation.TlsInfos;
import io.berth.cluster.ca.tls.NodeCredentials;
import io.berth.cluster.dispatcher.Messages.RenewCall;
import io.berth.cluster.dispatcher.Messages.RenewReply;
import io.berth.cluster.model.TlsInfo;
import io.berth.errdefs.BerthException;
import io.berth.errdefs.UnauthorizedException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's certificate valid: at a random point between half and four fifths of its life
 * ({@link Lifetimes#renewalAt}, so nodes do not all renew at once) it makes a fresh key, has the
 * manager sign it (in the role the swarm now gives the node, which is how promotion and demotion
 * reach the certificate) and swaps the credentials; new connections use them at once. A failed
 * renewal is tried again after a bounded wait. During a root rotation the managers ask for a
 * renewal at once ({@link #follow}).
 */
final class CertificateRenewal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateRenewal.class);
  static final Duration RETRY = Duration.ofSeconds(30);
  /** How soon a node tries again to take TLS material the managers asked it to hold. */
  static final Duration FOLLOW_RETRY = Duration.ofSeconds(3);

  private final DispatcherSession session;
  private final NodeCredentials credentials;
  private final Consumer<NodeCredentials.Material> renewed;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private volatile TlsInfo wanted;
  /** A retry of {@link #converge} is scheduled (one at a time; touched on the timer thread only). */
  private boolean retryPending;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("dispatcher-cert-renewal").unstarted(r));

  CertificateRenewal(DispatcherSession session, NodeCredentials credentials,
      Consumer<NodeCredentials.Material> renewed, Clock clock) {
    this.session = session;
    this.credentials = credentials;
    this.renewed = renewed;
    this.clock = clock;
  }

  void start() {
    schedule();
  }

  private void schedule() {
    NodeCertificate cert = credentials.current().certificate();
    Instant at = Lifetimes.renewalAt(cert.notBefore(), cert.notAfter(), random);
    schedule(Duration.between(clock.instant(), at));
  }

  private void schedule(Duration in) {
    if (!timer.isShutdown()) {
      timer.schedule(this::due, Math.max(0, in.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  private void due() {
    try {
      renewNow();
      schedule();
    } catch (BerthException e) {
      LOG.warn("certificate renewal failed, trying again in {}: {}", RETRY, e.getMessage());
      schedule(RETRY);
    }
  }

  /** Renews now: new key, signed by the manager, checked, swapped in, handed to {@code renewed}. */
  synchronized NodeCredentials.Material renewNow() {
    NodeCredentials.Material now = credentials.current();
    KeyPair keys = EcKeys.generate(random);
    RenewReply reply = session.unary(DispatcherMethods.RENEW, new RenewCall(CertificateRequests.create(keys)),
        "renewing the node certificate");
    NodeCertificate cert = NodeCertificate.fromPem(reply.certificatePem());
    List<X509Certificate> roots = Pem.parseCertificates(reply.trustRootsPem(), "trust roots from the manager");
    if (!cert.leaf().getPublicKey().equals(keys.getPublic())) {
      throw new UnauthorizedException("the renewed certificate is not for the key this node sent");
    }
    String nodeId = now.certificate().identity().nodeId();
    var who = new ChainVerifier(roots, now.clusterId()).verify(cert.chain(), Set.of(NodeRole.values()), clock.instant());
    if (!who.nodeId().equals(nodeId)) {
      throw new UnauthorizedException("the renewed certificate names node " + who.nodeId() + ", not " + nodeId);
    }
    NodeCredentials.Material next = new NodeCredentials.Material(keys.getPrivate(), cert, roots, now.clusterId());
    credentials.update(next);
    if (renewed != null) {
      renewed.accept(next);
    }
    LOG.info("node certificate of {} renewed as {} until {}", nodeId, who.role().ou(), cert.notAfter());
    return next;
  }

  /**
   * Brings the node's TLS material to what the managers say it should hold (each session message
   * carries it): a certificate from another issuer than the desired one is renewed at once (a
   * root rotation), and the trusted roots are replaced when they differ (during and at the end of
   * a rotation). The session is then reopened so the managers see what the node holds now. Runs
   * on the renewal thread; a failure is tried again shortly, with the latest desired material.
   */
  void follow(TlsInfo desired) {
    if (desired == null || desired.trustRoot().isEmpty() || desired.certIssuerPublicKey() == null) {
      return;
    }
    wanted = desired;
    try {
      timer.execute(this::converge);
    } catch (RejectedExecutionException e) {
      // the session is closing
    }
  }

  private void converge() {
    TlsInfo desired = wanted;
    boolean changed = false;
    try {
      NodeCredentials.Material now = credentials.current();
      if (!TlsInfos.sameIssuer(TlsInfos.held(now), desired)) {
        LOG.info("the swarm's root CA is rotating: renewing this node's certificate now");
        now = renewNow();
        changed = true;
      }
      if (!Pem.certificates(now.trustedRoots()).equals(desired.trustRoot())) {
        List<X509Certificate> roots = Pem.parseCertificates(desired.trustRoot(), "trust roots from the manager");
        // never trust a set of roots this node's own certificate does not chain to
        new ChainVerifier(roots, now.clusterId()).verify(now.certificate().chain(), Set.of(NodeRole.values()),
            clock.instant());
        NodeCredentials.Material next = new NodeCredentials.Material(now.key(), now.certificate(), roots,
            now.clusterId());
        credentials.update(next);
        if (renewed != null) {
          renewed.accept(next);
        }
        LOG.info("trusted root CAs updated ({} now)", roots.size());
        changed = true;
      }
    } catch (BerthException e) {
      LOG.warn("could not take the swarm's new TLS material, trying again in {}: {}", FOLLOW_RETRY, e.getMessage());
      if (!retryPending && !timer.isShutdown()) {
        retryPending = true;
        timer.schedule(() -> {
          retryPending = false;
          converge();
        }, FOLLOW_RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    if (changed) {
      session.restart();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
