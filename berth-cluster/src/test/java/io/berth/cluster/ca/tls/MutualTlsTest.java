package io.berth.cluster.ca.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cluster.ca.CertificateRequests;
import io.berth.cluster.ca.ClusterCa;
import io.berth.cluster.ca.EcKeys;
import io.berth.cluster.ca.NodeCertificate;
import io.berth.cluster.ca.NodeIdentity;
import io.berth.cluster.model.NodeRole;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;

/** Real handshakes over loopback sockets between nodes holding certificates of a real cluster CA. */
class MutualTlsTest {
  static final Clock CLOCK = Clock.systemUTC();
  static final SecureRandom RANDOM = new SecureRandom();
  static final Set<NodeRole> MANAGERS = Set.of(NodeRole.MANAGER);
  static final Set<NodeRole> ANY = Set.of(NodeRole.values());
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  final ClusterCa ca = ClusterCa.create("cluster1", CLOCK);

  static NodeCredentials node(ClusterCa ca, String id, NodeRole role) {
    KeyPair keys = EcKeys.generate(RANDOM);
    NodeCertificate cert = ca.issue(CertificateRequests.create(keys), id, role);
    return new NodeCredentials(new NodeCredentials.Material(keys.getPrivate(), cert, ca.trustedRoots(), ca.clusterId()));
  }

  /** What each side saw: the peer's identity, or the error that ended the handshake. */
  record Outcome(Object server, Object client) {
    NodeIdentity serverSaw() {
      return (NodeIdentity) server;
    }

    String serverError() {
      return server instanceof Throwable t ? describe(t) : null;
    }

    String clientError() {
      return client instanceof Throwable t ? describe(t) : null;
    }

    private static String describe(Throwable t) {
      StringBuilder b = new StringBuilder();
      for (Throwable c = t; c != null; c = c.getCause()) {
        b.append(c.getMessage()).append(" | ");
      }
      return b.toString();
    }
  }

  static Outcome handshake(NodeCredentials server, Set<NodeRole> serverAccepts, NodeCredentials client,
      Set<NodeRole> clientAccepts) throws Exception {
    return handshake(server, serverAccepts, client, clientAccepts, ClusterTls.PROTOCOLS);
  }

  static Outcome handshake(NodeCredentials server, Set<NodeRole> serverAccepts, NodeCredentials client,
      Set<NodeRole> clientAccepts, String[] clientProtocols) throws Exception {
    try (SSLServerSocket listener = new ClusterTls(server, CLOCK).serverSocket(LOOPBACK, 0, serverAccepts)) {
      listener.setSoTimeout(10_000);
      CompletableFuture<Object> served = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(10_000);
          s.startHandshake();
          NodeIdentity peer = ClusterTls.peer(s.getSession());
          s.getOutputStream().write(42);
          s.getOutputStream().flush();
          return peer;
        } catch (IOException | RuntimeException e) {
          return e;
        }
      });
      Object clientSaw;
      try (SSLSocket s = new ClusterTls(client, CLOCK).clientSocket(LOOPBACK, listener.getLocalPort(), clientAccepts)) {
        s.setSoTimeout(10_000);
        s.setEnabledProtocols(clientProtocols);
        s.startHandshake();
        NodeIdentity peer = ClusterTls.peer(s.getSession());
        int b = s.getInputStream().read();
        clientSaw = b == 42 ? peer : new IOException("connection closed before the server's byte (read " + b + ")");
      } catch (IOException | RuntimeException e) {
        clientSaw = e;
      }
      return new Outcome(served.get(20, TimeUnit.SECONDS), clientSaw);
    }
  }

  @Test
  void managersOfTheSameClusterAuthenticateEachOther() throws Exception {
    Outcome o = handshake(node(ca, "m1", NodeRole.MANAGER), MANAGERS, node(ca, "m2", NodeRole.MANAGER), MANAGERS);
    assertThat(o.server()).isEqualTo(new NodeIdentity("m2", NodeRole.MANAGER, "cluster1"));
    assertThat(o.client()).isEqualTo(new NodeIdentity("m1", NodeRole.MANAGER, "cluster1"));
  }

  @Test
  void tls12PeersAuthenticateAndAreRefusedAlike() throws Exception {
    String[] tls12 = {"TLSv1.2"};
    Outcome ok = handshake(node(ca, "m1", NodeRole.MANAGER), MANAGERS, node(ca, "m2", NodeRole.MANAGER), MANAGERS, tls12);
    assertThat(ok.serverSaw().nodeId()).isEqualTo("m2");
    Outcome refused = handshake(node(ca, "m1", NodeRole.MANAGER), MANAGERS, node(ca, "w1", NodeRole.WORKER), MANAGERS, tls12);
    assertThat(refused.serverError()).contains("node w1 has role swarm-worker");
  }

  @Test
  void aWorkerIsAcceptedWhereWorkersMayConnect() throws Exception {
    Outcome o = handshake(node(ca, "m1", NodeRole.MANAGER), ANY, node(ca, "w1", NodeRole.WORKER), MANAGERS);
    assertThat(o.serverSaw()).isEqualTo(new NodeIdentity("w1", NodeRole.WORKER, "cluster1"));
  }

  @Test
  void aWorkerIsRefusedWhereAManagerIsRequired() throws Exception {
    Outcome o = handshake(node(ca, "m1", NodeRole.MANAGER), MANAGERS, node(ca, "w1", NodeRole.WORKER), MANAGERS);
    assertThat(o.serverError()).contains("node w1 has role swarm-worker; only swarm-manager may do this");
    assertThat(o.clientError()).isNotNull();
  }

  @Test
  void aClientRefusesAServerThatIsNotAManager() throws Exception {
    Outcome o = handshake(node(ca, "w2", NodeRole.WORKER), ANY, node(ca, "w1", NodeRole.WORKER), MANAGERS);
    assertThat(o.clientError()).contains("node w2 has role swarm-worker");
    assertThat(o.serverError()).isNotNull();
  }

  @Test
  void aCertificateOfAnotherClusterIsRefused() throws Exception {
    ClusterCa other = ClusterCa.create("cluster2", CLOCK);
    Outcome o = handshake(node(ca, "m1", NodeRole.MANAGER), ANY, node(other, "m9", NodeRole.MANAGER), MANAGERS);
    assertThat(o.clientError()).as("the other cluster's node refuses our manager first")
        .contains("not signed by this cluster's root CA");

    // an impostor that trusts our root and claims our cluster id is still refused by our server
    NodeCredentials impostor = node(other, "m9", NodeRole.MANAGER);
    impostor.update(new NodeCredentials.Material(impostor.current().key(), impostor.current().certificate(),
        ca.trustedRoots(), "cluster1"));
    Outcome refused = handshake(node(ca, "m1", NodeRole.MANAGER), ANY, impostor, MANAGERS);
    assertThat(refused.serverError()).contains("not signed by this cluster's root CA");
    assertThat(refused.clientError()).isNotNull();
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    ClusterCa past = ca.withClock(Clock.fixed(Instant.now().minus(Duration.ofDays(100)), ZoneOffset.UTC));
    Outcome o = handshake(node(ca, "m1", NodeRole.MANAGER), ANY, node(past, "w1", NodeRole.WORKER), MANAGERS);
    assertThat(o.serverError()).contains("expired at");
    assertThat(o.clientError()).isNotNull();
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    NodeCredentials server = node(ca, "m1", NodeRole.MANAGER);
    try (SSLServerSocket listener = new ClusterTls(server, CLOCK).serverSocket(LOOPBACK, 0, ANY)) {
      listener.setSoTimeout(10_000);
      CompletableFuture<Object> served = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(10_000);
          s.startHandshake();
          return ClusterTls.peer(s.getSession());
        } catch (IOException | RuntimeException e) {
          return e;
        }
      });
      SSLContext anonymous = SSLContext.getInstance("TLS");
      anonymous.init(null, new TrustManager[] {
          new ClusterTls(server, CLOCK).trustManager(MANAGERS)}, null);
      try (SSLSocket s = (SSLSocket) anonymous.getSocketFactory().createSocket(LOOPBACK, listener.getLocalPort())) {
        s.setSoTimeout(10_000);
        s.startHandshake();
        s.getInputStream().read();
      } catch (IOException e) {
        // expected: the server ends the handshake
      }
      assertThat(served.get(20, TimeUnit.SECONDS)).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void renewedCredentialsAreUsedOnTheNextHandshakeAndRotationIsTrustedAcrossTheChange() throws Exception {
    NodeCredentials server = node(ca, "m1", NodeRole.MANAGER);
    NodeCredentials client = node(ca, "m2", NodeRole.MANAGER);

    // rotation starts: the client renews under the new root; the server still trusts only the old one
    ClusterCa during = ca.startRotation();
    KeyPair keys = EcKeys.generate(RANDOM);
    client.update(new NodeCredentials.Material(keys.getPrivate(),
        during.issue(CertificateRequests.create(keys), "m2", NodeRole.MANAGER), during.trustedRoots(), "cluster1"));
    assertThat(handshake(server, MANAGERS, client, MANAGERS).serverSaw().nodeId()).isEqualTo("m2");

    // rotation over: a peer that trusts only the new root refuses the server's old-root certificate
    ClusterCa after = during.finishRotation();
    client.update(new NodeCredentials.Material(keys.getPrivate(), client.current().certificate(),
        after.trustedRoots(), "cluster1"));
    assertThat(handshake(server, MANAGERS, client, MANAGERS).clientError())
        .contains("not signed by this cluster's root CA");

    // the server renews too, and they agree again
    KeyPair serverKeys = EcKeys.generate(RANDOM);
    server.update(new NodeCredentials.Material(serverKeys.getPrivate(),
        after.issue(CertificateRequests.create(serverKeys), "m1", NodeRole.MANAGER), after.trustedRoots(), "cluster1"));
    assertThat(handshake(server, MANAGERS, client, MANAGERS).serverSaw().nodeId()).isEqualTo("m2");
  }
}
