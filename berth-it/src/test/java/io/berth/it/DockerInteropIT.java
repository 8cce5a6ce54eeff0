package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Berth beside a real Docker engine (Debian's dockerd, started privately on its own socket and
 * roots): images saved by one load into the other and run, and both engines' containers work
 * at the same time on the same host.
 */
class DockerInteropIT {
  // per suite slot, like TestDaemon: two checkouts' runs must not share a dockerd or its bridge
  private static final Path DIR = Path.of("/tmp/berth-it-dockerd" + TestDaemon.SLOT);
  private static final String BRIDGE = "bitdk" + (TestDaemon.SLOT.isEmpty() ? "0" : TestDaemon.SLOT.substring(2));
  private static final String SUBNET = "172.29." + (TestDaemon.SLOT.isEmpty() ? 7 : 70 + Integer.parseInt(TestDaemon.SLOT.substring(2)));
  private static final String SOCK = "unix://" + DIR + "/docker.sock";
  private static Process dockerd;

  static Exec.Result real(String... args) {
    Map<String, String> env = new HashMap<>(TestDaemon.env());
    env.put("DOCKER_HOST", SOCK);
    return Exec.run(env, null, 120, Exec.list("/usr/local/bin/docker", args));
  }

  @BeforeAll
  static void start() throws Exception {
    TestDaemon.ensure();
    Exec.sh("mkdir -p " + DIR);
    // a bridge of its own: with --bip alone it would take over docker0, which a dockerd already on
    // the host owns, and delete it on exit
    Exec.sh("ip link del " + BRIDGE + " 2>/dev/null; ip link add " + BRIDGE + " type bridge && ip addr add " + SUBNET + ".1/24 dev "
        + BRIDGE + " && ip link set " + BRIDGE + " up");
    dockerd = new ProcessBuilder("dockerd", "--host", SOCK, "--data-root", DIR + "/data", "--exec-root",
        DIR + "/exec", "--pidfile", DIR + "/docker.pid", "--bridge", BRIDGE)
        .redirectErrorStream(true).redirectOutput(DIR.resolve("dockerd.log").toFile()).start();
    for (int i = 0; i < 150 && real("version").exit() != 0; i++) {
      Thread.sleep(200);
    }
    check(real("version"), "dockerd start");
  }

  @AfterAll
  static void stop() throws Exception {
    for (String id : real("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        real("rm", "-f", id);
      }
    }
    dockerd.destroy();
    dockerd.waitFor(30, TimeUnit.SECONDS);
    Exec.sh("ip link del " + BRIDGE + " 2>/dev/null; true");
  }

  @Test
  void imagesTravelBothWaysThroughSaveAndLoad() {
    Path fromBerth = DIR.resolve("from-berth.tar");
    check(TestDaemon.docker("tag", IMAGE, "it/interop:1"), "tag");
    check(TestDaemon.docker("save", "-o", fromBerth.toString(), "it/interop:1"), "berth save");
    Exec.Result r = real("load", "-i", fromBerth.toString());
    check(r, "docker load of berth's archive");
    String berthId = TestDaemon.docker("image", "inspect", "--format", "{{.Id}}", "it/interop:1").out().trim();
    assertThat(real("image", "inspect", "--format", "{{.Id}}", "it/interop:1").out().trim()).isEqualTo(berthId);
    assertThat(real("run", "--rm", "it/interop:1", "echo", "on-docker").out()).isEqualTo("on-docker\n");

    check(real("tag", "it/interop:1", "it/from-docker:1"), "tag");
    Path fromDocker = DIR.resolve("from-docker.tar");
    check(real("save", "-o", fromDocker.toString(), "it/from-docker:1"), "docker save");
    check(TestDaemon.docker("load", "-i", fromDocker.toString()), "berth load of docker's archive");
    assertThat(TestDaemon.docker("run", "--rm", "it/from-docker:1", "echo", "on-berth").out()).isEqualTo("on-berth\n");
    check(TestDaemon.docker("rmi", "it/interop:1", "it/from-docker:1"), "rmi");
  }

  /** An image berthd built from a Dockerfile loads into dockerd as the same image and runs there. */
  @Test
  void builtImagesLoadIntoDockerIdentically() throws Exception {
    Path ctx = DIR.resolve("build-ctx");
    java.nio.file.Files.createDirectories(ctx);
    java.nio.file.Files.writeString(ctx.resolve("msg"), "built by berthd\n");
    java.nio.file.Files.writeString(ctx.resolve("Dockerfile"), "FROM " + IMAGE + "\nCOPY msg /msg\n"
        + "RUN echo step >> /msg\nENV WHO=berth\nCMD [\"cat\", \"/msg\"]\n");
    Exec.Result r = Exec.run(java.util.Map.of("DOCKER_HOST", TestDaemon.HOST, "DOCKER_BUILDKIT", "0"), null, 120,
        java.util.List.of("/usr/local/bin/docker", "build", "-t", "it/built-interop:1", ctx.toString()));
    check(r, "build on berthd");
    Path tar = DIR.resolve("built.tar");
    check(TestDaemon.docker("save", "-o", tar.toString(), "it/built-interop:1"), "save");
    check(real("load", "-i", tar.toString()), "docker load");
    String id = TestDaemon.docker("image", "inspect", "--format", "{{.Id}}", "it/built-interop:1").out().trim();
    assertThat(real("image", "inspect", "--format", "{{.Id}}", "it/built-interop:1").out().trim()).isEqualTo(id);
    assertThat(real("run", "--rm", "it/built-interop:1").out()).isEqualTo("built by berthd\nstep\n");
    check(TestDaemon.docker("rmi", "it/built-interop:1"), "rmi");
  }

  @Test
  void bothEnginesPublishPortsSideBySide() {
    check(real("run", "-d", "--name", "dk-web", "-p", "28484:8080", importOnDocker(),
        "httpd", "-f", "-p", "8080", "-h", "/www"), "docker run");
    check(TestDaemon.docker("run", "-d", "--name", "bt-web", "-p", "28485:8080", IMAGE,
        "httpd", "-f", "-p", "8080", "-h", "/www"), "berth run");
    ContainersIT.waitFor(() -> Exec.sh("curl -sf http://127.0.0.1:28485/hello").out().contains("Hello"));
    ContainersIT.waitFor(() -> Exec.sh("curl -sf http://127.0.0.1:28484/hello").out().contains("Hello"));
    check(TestDaemon.docker("rm", "-f", "bt-web"), "rm");
  }

  private static String importOnDocker() {
    check(real("import", "-c", "CMD [\"/bin/sh\"]", TestDaemon.BASE.resolve("busybox-rootfs.tar").toString(),
        "it/interop-web:1"), "docker import");
    return "it/interop-web:1";
  }
}
