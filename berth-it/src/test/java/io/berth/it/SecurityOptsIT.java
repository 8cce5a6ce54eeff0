package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A container's confinement as the stock docker CLI asks for it: {@code --security-opt}
 * (a custom seccomp profile, seccomp=unconfined, no-new-privileges, AppArmor and SELinux on a host
 * without them, systempaths=unconfined, a bogus option), {@code --read-only} with its sandbox
 * files, and the host's devices for {@code --privileged}. Each is checked from inside the
 * container, where a user sees it.
 */
class SecurityOptsIT {
  private static Path profiles;

  @BeforeAll
  static void setUp() throws Exception {
    TestDaemon.ensure();
    profiles = TestDaemon.BASE.resolve("seccomp-profiles");
    Files.createDirectories(profiles);
  }

  @Test
  void aCustomSeccompProfileIsAppliedInsteadOfTheDefault() throws Exception {
    Path noMkdir = profiles.resolve("no-mkdir.json");
    Files.writeString(noMkdir, """
        {
          "defaultAction": "SCMP_ACT_ALLOW",
          "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
          "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "comment": "no new directories"}]
        }
        """);
    Exec.Result r = docker("run", "--rm", "--security-opt", "seccomp=" + noMkdir, IMAGE, "sh", "-c",
        "mkdir /x && echo made");
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.all()).contains("mkdir: can't create directory '/x': Operation not permitted").doesNotContain("made");
    assertThat(docker("run", "--rm", IMAGE, "sh", "-c", "mkdir /x && echo made").out()).isEqualTo("made\n");

    check(docker("create", "--name", "sp", "--security-opt", "seccomp=" + noMkdir, IMAGE, "true"), "create");
    assertThat(docker("inspect", "-f", "{{json .HostConfig.SecurityOpt}}", "sp").out())
        .contains("seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"");
    check(docker("rm", "sp"), "rm");

    Path broken = profiles.resolve("broken.json");
    Files.writeString(broken, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"],"
        + " \"action\": \"SCMP_ACT_SOMETIMES\"}]}");
    r = docker("create", "--name", "broken", "--security-opt", "seccomp=" + broken, IMAGE, "true");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("invalid seccomp profile: syscalls[0].action \"SCMP_ACT_SOMETIMES\" is not one of");
    assertThat(docker("ps", "-aq", "--filter", "name=broken").out()).isBlank();
  }

  @Test
  void seccompUnconfinedAllowsWhatTheDefaultProfileBlocks() {
    // a user namespace needs no capability, but Docker's default profile keeps unshare for CAP_SYS_ADMIN
    Exec.Result confined = docker("run", "--rm", IMAGE, "unshare", "-U", "true");
    assertThat(confined.exit()).isNotZero();
    assertThat(confined.all()).contains("Operation not permitted");
    Exec.Result unconfined = docker("run", "--rm", "--security-opt", "seccomp=unconfined", IMAGE, "unshare", "-U", "true");
    assertThat(unconfined.exit()).as(unconfined.all()).isZero();
  }

  @Test
  void noNewPrivilegesReachesTheProcessAndItsExecs() {
    assertThat(docker("run", "--rm", "--security-opt", "no-new-privileges", IMAGE, "grep", "NoNewPrivs",
        "/proc/self/status").out()).isEqualTo("NoNewPrivs:\t1\n");
    assertThat(docker("run", "--rm", "--security-opt", "no-new-privileges=false", IMAGE, "grep", "NoNewPrivs",
        "/proc/self/status").out()).isEqualTo("NoNewPrivs:\t0\n");
    assertThat(docker("run", "--rm", IMAGE, "grep", "NoNewPrivs", "/proc/self/status").out())
        .isEqualTo("NoNewPrivs:\t0\n");
    check(docker("run", "-d", "--name", "nnp", "--security-opt", "no-new-privileges:true", IMAGE, "sleep", "60"), "run");
    assertThat(docker("exec", "nnp", "grep", "NoNewPrivs", "/proc/self/status").out()).isEqualTo("NoNewPrivs:\t1\n");
    check(docker("rm", "-f", "nnp"), "rm");
  }

  @Test
  void optionsBerthCannotApplyAreRefusedAndNothingIsCreated() throws Exception {
    String before = docker("ps", "-aq").out();
    Exec.Result r = docker("run", "--rm", "--name", "bogus", "--security-opt", "bogus=1", IMAGE, "true");
    assertThat(r.exit()).isEqualTo(125);
    assertThat(r.err()).contains("Error response from daemon: invalid --security-opt 2: \"bogus=1\"");
    r = docker("create", "--security-opt", "no-new-privileges=sometimes", IMAGE, "true");
    assertThat(r.err()).contains("invalid --security-opt 2: \"no-new-privileges=sometimes\"");
    boolean appArmor = Files.exists(Path.of("/sys/module/apparmor/parameters/enabled"))
        && Files.readString(Path.of("/sys/module/apparmor/parameters/enabled")).startsWith("Y");
    if (!appArmor) {
      r = docker("create", "--security-opt", "apparmor=docker-default", IMAGE, "true");
      assertThat(r.err()).contains("AppArmor is not enabled on this host: --security-opt apparmor=docker-default"
          + " cannot be applied");
    }
    if (!Files.exists(Path.of("/sys/fs/selinux/enforce"))) {
      r = docker("create", "--security-opt", "label=type:container_t", IMAGE, "true");
      assertThat(r.err()).contains("SELinux is not enabled on this host: --security-opt label=type:container_t");
    }
    assertThat(docker("ps", "-aq").out()).isEqualTo(before);
    check(docker("create", "--name", "aa", "--security-opt", "apparmor=unconfined", "--security-opt", "label=disable",
        IMAGE, "true"), "create");
    assertThat(docker("inspect", "-f", "{{.AppArmorProfile}}", "aa").out()).isEqualTo("unconfined\n");
    check(docker("rm", "aa"), "rm");
  }

  @Test
  void systempathsUnconfinedLeavesProcAndSysUnmasked() {
    String confined = docker("run", "--rm", IMAGE, "cat", "/proc/self/mountinfo").out();
    assertThat(confined).contains(" /proc/sys ", " /sys/firmware ");
    String unconfined = docker("run", "--rm", "--security-opt", "systempaths=unconfined", IMAGE, "cat",
        "/proc/self/mountinfo").out();
    assertThat(unconfined).contains(" /proc ").doesNotContain(" /proc/sys ", " /sys/firmware ");
  }

  @Test
  void aReadOnlyRootMakesTheSandboxFilesReadOnlyToo() {
    String write = "for f in hosts hostname resolv.conf; do echo x >> /etc/$f && echo wrote-$f; done; true";
    Exec.Result ro = docker("run", "--rm", "--read-only", IMAGE, "sh", "-c", write);
    assertThat(ro.out()).isEmpty();
    assertThat(ro.err()).contains("can't create /etc/hosts: Read-only file system",
        "can't create /etc/hostname: Read-only file system", "can't create /etc/resolv.conf: Read-only file system");
    Exec.Result rw = docker("run", "--rm", IMAGE, "sh", "-c", write);
    assertThat(rw.out()).isEqualTo("wrote-hosts\nwrote-hostname\nwrote-resolv.conf\n");
  }

  @Test
  void privilegedContainersGetTheHostsDevices() throws Exception {
    String device;
    try (var list = Files.list(Path.of("/dev"))) {
      device = list.filter(p -> p.getFileName().toString().matches("loop\\d+|kvm|fuse|net|btrfs-control"))
          .map(Path::toString).sorted().findFirst().orElse(null);
    }
    assumeTrue(device != null, "this host has none of /dev/loop*, kvm, fuse, net, btrfs-control");
    Exec.Result p = docker("run", "--rm", "--privileged", IMAGE, "ls", "-d", device);
    assertThat(p.exit()).as(p.all()).isZero();
    assertThat(p.out()).isEqualTo(device + "\n");
    assertThat(docker("run", "--rm", IMAGE, "ls", "-d", device).exit()).isNotZero();
  }
}
