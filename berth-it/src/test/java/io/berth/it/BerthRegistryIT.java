package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Berth's own registry ({@code berth registry serve}) driven by real clients: skopeo (docker://
 * and oci: transports), the docker CLI through berthd (push, pull, only missing layers move), and
 * the registry built into berthd ({@code --registry-addr}).
 */
class BerthRegistryIT {
  private static final Path DIR = Path.of("/tmp/berth-it-berth-registry");
  private static Process registry;
  private static String reg;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR);
    reg = "127.0.0.1:" + freePort();
    registry = new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
        "--addr", reg, "--storage", DIR.resolve("storage").toString()).redirectErrorStream(true)
        .redirectOutput(DIR.resolve("registry.log").toFile()).start();
    for (int i = 0; i < 200 && Exec.sh("curl -sf http://" + reg + "/v2/").exit() != 0; i++) {
      Thread.sleep(100);
    }
    check(Exec.sh("curl -sf http://" + reg + "/v2/"), "berth registry start");
    check(docker("save", "-o", DIR + "/img.tar", IMAGE), "save");
  }

  @AfterAll
  static void stop() throws Exception {
    registry.destroy();
    registry.waitFor(20, TimeUnit.SECONDS);
  }

  private static Exec.Result skopeo(String... args) {
    List<String> cmd = new ArrayList<>(List.of("skopeo"));
    cmd.addAll(List.of(args));
    return Exec.run(Map.of(), null, 120, cmd);
  }

  @Test
  void skopeoCopiesToAndFromBothTransports() {
    check(skopeo("copy", "--dest-tls-verify=false", "docker-archive:" + DIR + "/img.tar",
        "docker://" + reg + "/sk/busybox:1"), "skopeo push");
    Exec.Result inspect = skopeo("inspect", "--tls-verify=false", "docker://" + reg + "/sk/busybox:1");
    check(inspect, "skopeo inspect");
    assertThat(inspect.out()).contains("\"Architecture\": \"amd64\"");
    check(skopeo("copy", "--src-tls-verify=false", "docker://" + reg + "/sk/busybox:1", "oci:" + DIR + "/layout:b1"),
        "skopeo pull into an OCI layout");
    check(skopeo("copy", "--dest-tls-verify=false", "oci:" + DIR + "/layout:b1", "docker://" + reg + "/sk/copy:oci"),
        "skopeo push from the OCI layout (an OCI manifest)");
    check(skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://" + reg + "/sk/copy:oci",
        "docker://" + reg + "/sk/again:1"), "registry to registry");
    Exec.Result tags = skopeo("list-tags", "--tls-verify=false", "docker://" + reg + "/sk/busybox");
    assertThat(tags.out()).contains("\"1\"");
  }

  @Test
  void dockerPushAndPullThroughBerthd() {
    check(docker("tag", IMAGE, reg + "/it/app:1"), "tag");
    Exec.Result r = docker("push", reg + "/it/app:1");
    check(r, "docker push to the Berth registry");
    assertThat(r.out()).contains("1: digest: sha256:");
    String digest = r.out().replaceAll("(?s).*1: digest: (sha256:[0-9a-f]{64}).*", "$1");
    assertThat(docker("image", "inspect", "--format", "{{json .RepoDigests}}", reg + "/it/app:1").out())
        .contains(reg + "/it/app@" + digest);
    r = docker("push", reg + "/it/app:1");
    check(r, "second push");
    assertThat(r.out()).contains("Layer already exists").doesNotContain("Pushed");
    // the same layers to another repository of the registry: mounted, not sent again
    check(docker("tag", IMAGE, reg + "/it/copy:1"), "tag copy");
    r = docker("push", reg + "/it/copy:1");
    check(r, "push to a second repository");
    assertThat(r.out()).contains("Mounted from it/app").doesNotContain("Pushed");
    check(docker("rmi", reg + "/it/copy:1"), "rmi copy");
    check(docker("rmi", reg + "/it/app:1"), "rmi");
    r = docker("pull", reg + "/it/app:1");
    check(r, "docker pull from the Berth registry");
    assertThat(r.out()).contains("Status: Downloaded newer image for " + reg + "/it/app:1");
    assertThat(docker("run", "--rm", reg + "/it/app:1", "echo", "from-berth-registry").out())
        .isEqualTo("from-berth-registry\n");
    // pinned by digest: verified on pull, and the digest names the image locally afterwards
    check(docker("pull", reg + "/it/app@" + digest), "pull by digest");
    assertThat(docker("images", "--digests", "--format", "{{.Digest}}", reg + "/it/app").out()).contains(digest);
    assertThat(docker("run", "--rm", reg + "/it/app@" + digest, "echo", "pinned").out()).isEqualTo("pinned\n");
    r = docker("pull", reg + "/it/missing:1");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("not found");
    check(docker("rmi", reg + "/it/app:1"), "rmi");
  }

  /**
   * A TLS registry on loopback: without its CA in {@code /etc/berth/certs.d/<host:port>/} berthd
   * cannot pull (it would speak plain HTTP to it); with the CA there, push and pull work over
   * HTTPS, as Docker's certs.d convention has it.
   */
  @Test
  void tlsRegistryTrustedThroughCertsD() throws Exception {
    Path tls = DIR.resolve("tls");
    Exec.sh("mkdir -p " + tls);
    String in = "cd " + tls + " && ";
    check(Exec.sh(in + "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 "
        + "-subj /CN=berth-registry-test-ca 2>/dev/null"), "ca");
    check(Exec.sh(in + "openssl req -newkey rsa:2048 -nodes -keyout key.pem -out server.csr -subj /CN=127.0.0.1 "
        + "2>/dev/null && printf 'subjectAltName=IP:127.0.0.1\\n' > ext && openssl x509 -req -in server.csr -CA ca.pem "
        + "-CAkey ca-key.pem -CAcreateserial -out cert.pem -days 2 -extfile ext 2>/dev/null"), "server cert");
    String addr = "127.0.0.1:" + freePort();
    Process tlsReg = new ProcessBuilder(Exec.repoRoot().resolve("bin/berth").toString(), "registry", "serve",
        "--addr", addr, "--storage", DIR.resolve("tls-storage").toString(), "--tls-cert", tls + "/cert.pem",
        "--tls-key", tls + "/key.pem").redirectErrorStream(true).redirectOutput(DIR.resolve("tls.log").toFile()).start();
    Path certsD = Path.of("/etc/berth/certs.d", addr);
    try {
      for (int i = 0; i < 200 && Exec.sh("curl -sf --cacert " + tls + "/ca.pem https://" + addr + "/v2/").exit() != 0; i++) {
        Thread.sleep(100);
      }
      check(Exec.sh("curl -sf --cacert " + tls + "/ca.pem https://" + addr + "/v2/"), "TLS registry up");
      check(docker("tag", IMAGE, addr + "/tls/app:1"), "tag");
      Exec.Result r = docker("push", addr + "/tls/app:1");
      assertThat(r.exit()).as("push without the CA").isNotZero();
      Exec.sh("mkdir -p " + certsD + " && cp " + tls + "/ca.pem " + certsD + "/ca.crt");
      check(docker("push", addr + "/tls/app:1"), "push over TLS with certs.d");
      check(docker("rmi", addr + "/tls/app:1"), "rmi");
      check(docker("pull", addr + "/tls/app:1"), "pull over TLS");
      check(docker("rmi", addr + "/tls/app:1"), "rmi");
      check(skopeo("inspect", "--cert-dir", certsD.toString(), "docker://" + addr + "/tls/app:1"), "skopeo over TLS");
    } finally {
      Exec.sh("rm -rf " + certsD);
      tlsReg.destroy();
      tlsReg.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void gcKeepsWhatIsReferenced() {
    Exec.Result r = berth("registry", "gc", "--dry-run", "--storage", DIR.resolve("storage").toString());
    check(r, "gc --dry-run");
    assertThat(r.out()).contains("would delete");
  }

  @Test
  void berthdServesItsOwnRegistryWhenAsked() throws Exception {
    Path d = DIR.resolve("embedded");
    Exec.sh("mkdir -p " + d + " && echo '{}' > " + d + "/none.json");
    String addr = "127.0.0.1:" + freePort();
    Process berthd = new ProcessBuilder(Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", "unix://" + d + "/b.sock", "--data-root", d + "/data", "--exec-root", d + "/exec",
        "--config-file", d + "/none.json", "--bridge", "bitreg0", "--bip", "10.89.7.1/24",
        "--nft-table", "berth_itreg", "--cgroup-parent", "berth-itreg", "--registry-addr", addr)
        .redirectErrorStream(true).redirectOutput(d.resolve("berthd.log").toFile()).start();
    try {
      for (int i = 0; i < 200 && Exec.sh("curl -sf http://" + addr + "/v2/").exit() != 0; i++) {
        Thread.sleep(100);
      }
      check(Exec.sh("curl -sf http://" + addr + "/v2/"), "embedded registry");
      check(skopeo("copy", "--dest-tls-verify=false", "docker-archive:" + DIR + "/img.tar",
          "docker://" + addr + "/inside/busybox:1"), "skopeo push to berthd's registry");
      check(docker("pull", addr + "/inside/busybox:1"), "test berthd pulls from the other berthd's registry");
      check(docker("rmi", addr + "/inside/busybox:1"), "rmi");
      assertThat(Exec.sh("ls " + d + "/data/registry/repositories/inside").out()).contains("busybox");
    } finally {
      berthd.destroy();
      berthd.waitFor(30, TimeUnit.SECONDS);
      Exec.sh("ip link del bitreg0 2>/dev/null; nft delete table ip berth_itreg 2>/dev/null; true");
    }
    Process bad = new ProcessBuilder(Exec.repoRoot().resolve("bin/berthd").toString(),
        "-H", "unix://" + d + "/c.sock", "--data-root", d + "/data2", "--exec-root", d + "/exec2",
        "--config-file", d + "/none.json", "--bridge", "bitreg1", "--bip", "10.89.8.1/24",
        "--nft-table", "berth_itreg1", "--registry-addr", "0.0.0.0:" + freePort()).redirectErrorStream(true)
        .start();
    assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(bad.getInputStream().readAllBytes())).contains("without TLS");
    Exec.sh("ip link del bitreg1 2>/dev/null; nft delete table ip berth_itreg1 2>/dev/null; true");
  }
}
