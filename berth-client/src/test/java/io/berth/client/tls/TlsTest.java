package io.berth.client.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.client.ApiClient;
import io.berth.client.DockerHost;
import io.berth.http.Pem;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Real TLS handshakes against a JDK TLS server holding the test PEMs (a CA, a server and a client cert). */
class TlsTest {
  private static final Path DIR = Path.of("src/test/resources/tls");

  @Test
  void defaultsComeFromDockerCertPath() throws Exception {
    Map<String, String> env = Map.of("DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", DIR.toString());
    TlsOptions o = TlsOptions.resolve(TlsOptions.Flags.NONE, env);
    assertThat(o.verify()).isTrue();
    assertThat(o.caCert()).isEqualTo(DIR.resolve("ca.pem"));
    assertThat(o.cert()).isEqualTo(DIR.resolve("cert.pem"));
    assertThat(TlsOptions.resolve(TlsOptions.Flags.NONE, Map.of())).isNull();
    assertThatThrownBy(() -> TlsOptions.resolve(new TlsOptions.Flags(true, false, null, "/nonexistent.pem", null), Map.of()))
        .hasMessageContaining("--tlscert");
  }

  @Test
  void verifiedMutualTls() throws Exception {
    try (SSLServerSocket server = server(true)) {
      CompletableFuture<String> seen = answer(server);
      TlsOptions tls = new TlsOptions(true, DIR.resolve("ca.pem"), DIR.resolve("cert.pem"), DIR.resolve("key.pem"));
      ApiClient c = new ApiClient(DockerHost.resolve("tcp://localhost:" + server.getLocalPort(), Map.of(), tls));
      try (var r = c.get("/_ping")) {
        assertThat(r.bytes()).asString().isEqualTo("OK");
      }
      assertThat(seen.get()).isEqualTo("CN=client");
    }
  }

  @Test
  void verificationRejectsAWrongHostName() throws Exception {
    try (SSLServerSocket server = server(false)) {
      answer(server);
      // the server certificate names localhost and 127.0.0.1, not this host's other name
      String name = "127.0.0.2";
      TlsOptions tls = new TlsOptions(true, DIR.resolve("ca.pem"), null, null);
      ApiClient c = new ApiClient(DockerHost.resolve("tcp://" + name + ":" + server.getLocalPort(), Map.of(), tls));
      assertThatThrownBy(() -> c.get("/_ping")).hasMessageContaining("TLS handshake");
    }
  }

  @Test
  void tlsWithoutVerifyStillEncrypts() throws Exception {
    try (SSLServerSocket server = server(false)) {
      answer(server);
      ApiClient c = new ApiClient(DockerHost.resolve("tcp://127.0.0.1:" + server.getLocalPort(), Map.of(),
          new TlsOptions(false, null, null, null)));
      try (var r = c.get("/_ping")) {
        assertThat(r.bytes()).asString().isEqualTo("OK");
      }
    }
  }

  private static SSLServerSocket server(boolean needClientAuth) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", Pem.privateKey(DIR.resolve("server-key.pem")), new char[0],
        Pem.certificates(DIR.resolve("server-cert.pem")).toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", Pem.certificates(DIR.resolve("ca.pem")).getFirst());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
        InetAddress.getByName("0.0.0.0"));
    s.setNeedClientAuth(needClientAuth);
    return s;
  }

  /** Serves one /_ping and reports the client certificate's subject (or "none"). */
  private static CompletableFuture<String> answer(SSLServerSocket server) {
    return CompletableFuture.supplyAsync(() -> {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.startHandshake();
        String who;
        try {
          who = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          who = "none";
        }
        io.berth.client.TestServerAccess.readHead(s.getInputStream());
        OutputStream out = s.getOutputStream();
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return who;
      } catch (Exception e) {
        return "failed: " + e;
      }
    });
  }
}
