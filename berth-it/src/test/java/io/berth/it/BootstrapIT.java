package io.berth.it;

import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code berth image bootstrap debian:bookworm}: a real Debian base image made here from the
 * host's apt mirror (there is no internet registry), usable at once with its package manager
 * working over the default bridge.
 */
class BootstrapIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @Test
  void bootstrapsARunnableDebianWhoseAptReachesTheMirror() {
    Exec.Result r = Exec.run(TestDaemon.env(), null, 600,
        List.of(Exec.repoRoot().resolve("bin/berth").toString(), "image", "bootstrap", "debian:bookworm",
            "-t", "it/debian:bookworm"));
    check(r, "bootstrap");
    assertThat(r.out().trim()).matches("sha256:[0-9a-f]{64}");
    assertThat(r.err()).contains("Base system installed successfully");
    r = berth("image", "inspect", "--format", "{{json .Config.Cmd}}", "it/debian:bookworm");
    assertThat(r.out().trim()).isEqualTo("[\"bash\"]");
    r = berth("run", "--rm", "it/debian:bookworm", "bash", "-c",
        "cat /etc/debian_version && apt-get update -qq && apt-cache policy busybox | head -1");
    check(r, "apt-get update inside the image");
    assertThat(r.out()).startsWith("12.").contains("busybox:");
    // nothing of the bootstrap tree is left on the host
    assertThat(Exec.sh("ls -d /var/tmp/berth-bootstrap-* 2>/dev/null | wc -l").out().trim()).isEqualTo("0");
    check(berth("rmi", "it/debian:bookworm"), "rmi");
  }

  @Test
  void refusesWhatItCannotMake() {
    Exec.Result r = berth("image", "bootstrap", "alpine:3.20");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("expected debian:SUITE");
  }
}
