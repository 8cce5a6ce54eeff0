package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker pull} and {@code docker push} through berthd against Debian's docker-registry (the
 * CNCF distribution registry) on loopback, checked with skopeo: the first steps of issue 3.
 */
class RegistryIT {
  private static final Path DIR = Path.of("/tmp/berth-it-registry");
  private static final String REG = "127.0.0.1:25111";
  private static Process registry;

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    Exec.sh("rm -rf " + DIR + " && mkdir -p " + DIR);
    Files.writeString(DIR.resolve("config.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
        + DIR + "/data\nhttp:\n  addr: " + REG + "\n");
    registry = new ProcessBuilder("docker-registry", "serve", DIR + "/config.yml").redirectErrorStream(true)
        .redirectOutput(DIR.resolve("registry.log").toFile()).start();
    for (int i = 0; i < 100 && Exec.sh("curl -sf http://" + REG + "/v2/").exit() != 0; i++) {
      Thread.sleep(100);
    }
    check(Exec.sh("curl -sf http://" + REG + "/v2/"), "registry start");
    check(docker("save", "-o", DIR + "/img.tar", IMAGE), "save");
    check(Exec.run(Map.of(), null, 120, List.of("skopeo", "copy", "--dest-tls-verify=false",
        "docker-archive:" + DIR + "/img.tar", "docker://" + REG + "/it/pulled:1")), "skopeo push");
  }

  @AfterAll
  static void stop() throws Exception {
    registry.destroy();
    registry.waitFor(20, TimeUnit.SECONDS);
  }

  @Test
  void dockerPullThroughBerthd() {
    Exec.Result r = docker("pull", REG + "/it/pulled:1");
    check(r, "docker pull");
    // the layer is the suite's base image layer, which this store already has unpacked
    assertThat(r.out()).containsAnyOf("Pull complete", "Already exists").contains("Digest: sha256:")
        .contains("Status: Downloaded newer image for " + REG + "/it/pulled:1");
    String id = docker("image", "inspect", "--format", "{{.Id}}", IMAGE).out().trim();
    assertThat(docker("image", "inspect", "--format", "{{.Id}}", REG + "/it/pulled:1").out().trim()).isEqualTo(id);
    assertThat(docker("run", "--rm", REG + "/it/pulled:1", "echo", "pulled").out()).isEqualTo("pulled\n");
    // a second image sharing the layer: the layer is not downloaded again
    check(Exec.run(Map.of(), null, 120, List.of("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + REG + "/it/pulled:1", "docker://" + REG + "/it/pulled:2")), "skopeo copy");
    r = docker("pull", REG + "/it/pulled:2");
    check(r, "pull of a second tag");
    assertThat(r.out()).contains("Already exists").doesNotContain("Pull complete");
    check(docker("rmi", REG + "/it/pulled:1", REG + "/it/pulled:2"), "rmi");
  }

  @Test
  void dockerPushThroughBerthdSendsOnlyMissingLayers() {
    check(docker("tag", IMAGE, REG + "/it/pushed:1"), "tag");
    Exec.Result r = docker("push", REG + "/it/pushed:1");
    check(r, "docker push");
    // the layer may already be in another repository of this registry (an earlier test): mounted
    assertThat(r.out()).containsAnyOf("Pushed", "Mounted from").contains("1: digest: sha256:");
    String digest = r.out().replaceAll("(?s).*1: digest: (sha256:[0-9a-f]{64}).*", "$1");
    r = docker("push", REG + "/it/pushed:1");
    check(r, "second push");
    assertThat(r.out()).contains("Layer already exists").doesNotContain("Pushed").doesNotContain("Mounted")
        .contains(digest);
    Exec.Result inspect = Exec.run(Map.of(), null, 60, List.of("skopeo", "inspect", "--tls-verify=false",
        "docker://" + REG + "/it/pushed:1"));
    check(inspect, "skopeo inspect");
    assertThat(inspect.out()).contains(digest);
    check(docker("rmi", REG + "/it/pushed:1"), "rmi");
    check(docker("pull", REG + "/it/pushed:1"), "pull back");
    assertThat(docker("run", "--rm", REG + "/it/pushed:1", "echo", "round-trip").out()).isEqualTo("round-trip\n");
    check(docker("rmi", REG + "/it/pushed:1"), "rmi");
  }

  @Test
  void berthCliPushAndPull() {
    check(TestDaemon.berth("tag", IMAGE, REG + "/it/bcli:1"), "tag");
    Exec.Result r = TestDaemon.berth("push", REG + "/it/bcli:1");
    check(r, "berth push");
    assertThat(r.out()).contains("1: digest: sha256:");
    check(TestDaemon.berth("rmi", REG + "/it/bcli:1"), "rmi");
    r = TestDaemon.berth("pull", REG + "/it/bcli:1");
    check(r, "berth pull");
    assertThat(r.out()).contains("Status: Downloaded newer image for " + REG + "/it/bcli:1");
    r = TestDaemon.berth("pull", REG + "/it/none:1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("not found");
    check(TestDaemon.berth("rmi", REG + "/it/bcli:1"), "rmi");
  }

  @Test
  void pullErrorsAreClear() {
    Exec.Result r = docker("pull", REG + "/it/missing:1");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("not found");
    r = docker("pull", "127.0.0.1:1/it/x:1");
    assertThat(r.exit()).isNotZero();
    assertThat(r.all()).contains("cannot reach registry 127.0.0.1:1");
  }
}
