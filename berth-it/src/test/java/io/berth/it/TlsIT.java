package io.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * berthd on TCP: only with TLS and client certificates (checked with the real docker CLI), and a
 * plain TCP listener is refused unless explicitly allowed. Uses its own daemon and certificates
 * made with openssl.
 */
class TlsIT {
  private static final Path DIR = Path.of("/tmp/berth-it-tls");
  private static final String ADDR = "tcp://127.0.0.1:23760";

  private static void sh(String cmd) {
    Exec.Result r = Exec.sh("cd " + DIR + " && " + cmd);
    if (r.exit() != 0) {
      throw new AssertionError(cmd + ":\n" + r.all());
    }
  }

  private static void makeCerts() {
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR);
    sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=berth-test-ca");
    sh("openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1");
    sh("printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext && "
        + "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days 2 "
        + "-extfile server.ext");
    sh("openssl req -newkey rsa:2048 -nodes -keyout key.pem -out client.csr -subj /CN=client");
    sh("printf 'extendedKeyUsage=clientAuth\\n' > client.ext && openssl x509 -req -in client.csr -CA ca.pem "
        + "-CAkey ca-key.pem -CAcreateserial -out cert.pem -days 2 -extfile client.ext");
  }

  private static List<String> daemon(String... hosts) {
    List<String> cmd = new java.util.ArrayList<>(List.of(Exec.repoRoot().resolve("bin/berthd").toString(),
        "--data-root", DIR + "/data", "--exec-root", DIR + "/exec", "--config-file", DIR + "/none.json",
        "--bridge", "bit1", "--bip", "10.89.1.1/24", "--nft-table", "berth_it1", "--cgroup-parent", "berth-it1"));
    for (String h : hosts) {
      cmd.add("-H");
      cmd.add(h);
    }
    return cmd;
  }

  @Test
  void tcpNeedsTlsAndClientCertificates() throws Exception {
    makeCerts();
    Exec.Result plain = Exec.run(Map.of(), null, 60, daemon("tcp://127.0.0.1:23761"));
    assertThat(plain.exit()).isNotZero();
    assertThat(plain.err()).contains("refusing to listen on tcp://127.0.0.1:23761 without TLS");

    List<String> cmd = new java.util.ArrayList<>(daemon(ADDR));
    cmd.addAll(List.of("--tlsverify", "--tlscacert", DIR + "/ca.pem", "--tlscert", DIR + "/server.pem",
        "--tlskey", DIR + "/server-key.pem"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(DIR.resolve("berthd.log").toFile()).start();
    try {
      Map<String, String> env = Map.of("DOCKER_CONFIG", DIR + "/docker-config");
      List<String> tls = List.of("/usr/local/bin/docker", "-H", ADDR, "--tlsverify", "--tlscacert", DIR + "/ca.pem",
          "--tlscert", DIR + "/cert.pem", "--tlskey", DIR + "/key.pem", "version", "--format", "{{.Server.APIVersion}}");
      Exec.Result ok = null;
      for (int i = 0; i < 100; i++) {
        ok = Exec.run(env, null, 30, tls);
        if (ok.exit() == 0) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(ok.exit()).as(ok.all() + TestDaemon.tail(DIR.resolve("berthd.log"))).isZero();
      assertThat(ok.out().trim()).isEqualTo("1.47");
      Exec.Result noClientCert = Exec.run(env, null, 30, List.of("/usr/local/bin/docker", "-H", ADDR,
          "--tlsverify", "--tlscacert", DIR + "/ca.pem", "version"));
      assertThat(noClientCert.exit()).isNotZero();
      Exec.Result plainClient = Exec.run(env, null, 30, List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
          "http://127.0.0.1:23760/_ping"));
      assertThat(plainClient.out()).isNotEqualTo("200");
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
      Exec.sh("nft delete table ip berth_it1; ip link del bit1");
    }
  }
}
