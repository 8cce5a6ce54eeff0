package io.berth.it;

import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a local user who is not root can reach of berthd's roots: nothing. Setuid-root programs in
 * image layers and in containers' file systems must not run for them (the class of Docker's
 * CVE-2021-41091), and the secrets a container was given with {@code -e} must not be readable,
 * while containers running as other users keep working, because they reach their files through
 * their mount namespace. The test user is {@code nobody}, through {@code setpriv} and a shell:
 * setpriv itself resolves the program it runs while it still has root's capabilities.
 */
class DataRootPermissionsIT {
  private static final Path DATA = TestDaemon.BASE.resolve("data");
  private static final Path EXEC = TestDaemon.BASE.resolve("exec");

  /** Runs {@code script} (with "$1".. = {@code args}) as nobody, without any of root's groups or capabilities. */
  private static Exec.Result asNobody(String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/bin/sh", "-c", script, "sh"));
    cmd.addAll(List.of(args));
    return Exec.run(Map.of(), null, 120, cmd);
  }

  @Test
  void setuidProgramsInLayersAndContainersDoNotRunForOtherUsers() {
    TestDaemon.ensure();
    docker("rm", "-f", "dr-suid", "dr-suid2");
    docker("rmi", "dr/suid:1");
    try {
      check(docker("run", "-d", "--name", "dr-suid", TestDaemon.IMAGE, "sleep", "600"), "run");
      // a dynamically linked id(1) from the host: unlike busybox it keeps euid 0 when setuid
      check(docker("cp", "/usr/bin/id", "dr-suid:/sid"), "cp");
      check(docker("exec", "dr-suid", "chmod", "4755", "/sid"), "chmod u+s in the container");
      check(docker("commit", "dr-suid", "dr/suid:1"), "commit");
      check(docker("run", "-d", "--name", "dr-suid2", "dr/suid:1", "sleep", "600"), "run the committed image");

      List<String> copies = List.of(Exec.sh("find " + DATA + " -name sid -perm -4000 -user root").out().trim()
          .split("\n"));
      // the container's upper dir and its mounted root, the committed layer, the second container's root
      assertThat(copies).anyMatch(p -> p.matches(".*/overlay/containers/[0-9a-f]{64}/upper/sid"))
          .anyMatch(p -> p.matches(".*/overlay/layers/[0-9a-f]{64}/diff/sid"))
          .anyMatch(p -> p.matches(".*/containers/[0-9a-f]{64}/rootfs/sid"));
      for (String copy : copies) {
        Exec.Result r = asNobody("exec \"$1\"", copy);
        assertThat(r.all()).as("nobody running " + copy).doesNotContain("euid=0").contains("Permission denied");
        assertThat(r.exit()).isNotZero();
      }

      // what a container needs is reached through its mount namespace, whatever user it runs as
      Exec.Result r = docker("run", "--rm", "-u", "65534:65534", "-v", "dr-vol:/v", TestDaemon.IMAGE, "sh", "-c",
          "id -u; cat /etc/hostname >/dev/null; ls /v; echo written > /tmp/f; cat /tmp/f");
      check(r, "run as nobody");
      assertThat(r.out()).contains("65534").contains("written");
      r = docker("exec", "-u", "65534", "dr-suid2", "sh", "-c", "id -u; ls /sid");
      check(r, "exec as nobody");
      assertThat(r.out()).contains("65534").contains("/sid");

      // a volume keeps the mode given to it, for its containers, but no host user walks to it
      check(docker("run", "--rm", "-v", "dr-vol:/v", TestDaemon.IMAGE, "chmod", "0777", "/v"), "chmod the volume");
      Path volume = DATA.resolve("volumes/dr-vol/_data");
      assertThat(Exec.sh("stat -c %a " + volume).out().trim()).isEqualTo("777");
      assertThat(asNobody("ls \"$1\"", volume.toString()).exit()).isNotZero();

      assertThat(Exec.sh("stat -c %a " + TestDaemon.SOCKET).out().trim()).isEqualTo("660");
    } finally {
      docker("rm", "-f", "dr-suid", "dr-suid2");
      docker("rmi", "dr/suid:1");
      docker("volume", "rm", "dr-vol");
    }
  }

  @Test
  void secretsGivenWithEnvAreReadableByRootOnly() {
    TestDaemon.ensure();
    String secret = "dr-secret-" + UUID.randomUUID();
    String execSecret = "dr-exec-secret-" + UUID.randomUUID();
    docker("rm", "-f", "dr-env");
    try {
      check(docker("run", "-d", "--name", "dr-env", "-e", "DB_PASSWORD=" + secret, TestDaemon.IMAGE, "sleep", "600"),
          "run");
      check(docker("exec", "-d", "-e", "TOKEN=" + execSecret, "dr-env", "sleep", "600"), "exec -d");

      for (String s : List.of(secret, execSecret)) {
        Exec.Result r = asNobody("grep -rlF \"$1\" \"$2\" \"$3\"", s, DATA.toString(), EXEC.toString());
        assertThat(r.out()).as("files nobody finds holding " + s).isEmpty();
      }
      // root finds them (the container record, the runtime config, the exec's spec): for root alone
      Exec.Result found = Exec.sh("grep -rlF -e " + secret + " -e " + execSecret + " " + DATA + " " + EXEC);
      List<String> files = List.of(found.out().trim().split("\n"));
      assertThat(files).anyMatch(f -> f.endsWith("/config.json")).anyMatch(f -> f.contains("/exec-"));
      for (String f : files) {
        assertThat(Exec.sh("stat -c %a " + f).out().trim()).as("mode of " + f).matches("[0-7]00");
      }
    } finally {
      docker("rm", "-f", "dr-env");
    }
  }

  @Test
  void aDaemonStartedOverOpenRootsShutsThem() throws Exception {
    TestDaemon.ensure();
    docker("rm", "-f", "dr-old");
    try {
      check(docker("run", "-d", "--name", "dr-old", TestDaemon.IMAGE, "sleep", "600"), "run");
      // the modes and owner an earlier berthd left
      Exec.sh("chmod 0755 " + DATA + " " + EXEC + " && find " + DATA + " " + EXEC
          + " -mindepth 1 -maxdepth 1 -type d -exec chmod 0755 {} + && chown nobody:nogroup " + DATA);
      assertThat(asNobody("ls \"$1\"", DATA.resolve("containers").toString()).exit()).isZero();

      TestDaemon.kill9();
      TestDaemon.start();

      String modes = Exec.sh("find " + DATA + " " + EXEC + " -maxdepth 1 -type d -printf '%m %u:%g %p\\n'").out();
      for (String line : modes.trim().split("\n")) {
        assertThat(line).as("gate directory").startsWith("710 root:root ");
      }
      assertThat(asNobody("ls \"$1\"", DATA.resolve("containers").toString()).exit()).isNotZero();
      assertThat(asNobody("ls \"$1\"", EXEC.toString()).exit()).isNotZero();
      Exec.Result r = docker("exec", "dr-old", "echo", "alive");
      check(r, "exec after the restart");
      assertThat(r.out()).contains("alive");
    } finally {
      docker("rm", "-f", "dr-old");
    }
  }
}
