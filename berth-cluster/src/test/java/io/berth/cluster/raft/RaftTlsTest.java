package io.berth.cluster.raft;

import static io.berth.cluster.raft.ClusterStoreConformance.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.UnavailableException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transport with mutual TLS: members holding a certificate of the cluster replicate; a member
 * whose certificate the cluster does not trust gets nothing. The certificates here come from the
 * JDK's keytool; in berthd they come from the cluster CA.
 */
class RaftTlsTest {
  private static final char[] PASSWORD = "changeit".toCharArray();
  @TempDir Path dir;

  @Test
  void membersWithTheClusterCertificateReplicateAndAStrangerIsRefused() throws Exception {
    RaftTls cluster = tls(keystore("cluster"));
    try (RaftTestGroup g = new RaftTestGroup(dir.resolve("group"), c -> c
        .withTimeouts(Duration.ofSeconds(4), Duration.ofMillis(300)).withTls(cluster)).startAll(3)) {
      StoredObject o = g.aFollower().create("services", "s1", b("over TLS"));
      g.awaitApplied(o.version());
      for (RaftClusterStore s : g.running()) {
        assertThat(s.get("services", "s1")).contains(o);
      }

      // a process outside the group's membership still reaches the leader when it holds the
      // cluster's certificate (Raft accepts client writes from anyone who can connect) ...
      try (RaftClusterStore guest = RaftClusterStore.start(g.outsider("guest", cluster))) {
        assertThat(guest.create("services", "guest", b("x")).version()).isPositive();
      }
      // ... so what keeps a manager of another cluster out is TLS: its certificate is not trusted
      RaftTls other = tls(keystore("other"));
      try (RaftClusterStore stranger = RaftClusterStore.start(g.outsider("stranger", other))) {
        assertThatThrownBy(() -> stranger.create("services", "evil", b("x")))
            .isInstanceOf(UnavailableException.class);
        assertThat(g.get("m1").get("services", "evil")).isEmpty();
        assertThat(stranger.get("services", "s1")).isEmpty();
      }
    }
  }


  /** A PKCS#12 keystore with one self-signed EC key for 127.0.0.1, made by the JDK's keytool. */
  private Path keystore(String name) throws Exception {
    Path ks = dir.resolve(name + ".p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", ks.toString(),
            "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-alias", name,
            "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + name,
            "-ext", "san=ip:127.0.0.1,dns:localhost")
        .redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError("keytool failed: " + new String(p.getInputStream().readAllBytes()));
    }
    return ks;
  }

  private static RaftTls tls(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return new RaftTls(kmf.getKeyManagers()[0], tmf.getTrustManagers()[0]);
  }
}
