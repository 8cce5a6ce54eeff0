package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker create}/{@code run} and {@code POST /containers/create} refuse what dockerd
 * refuses at create (wrong JSON types, relative working directories, unknown capabilities, bad
 * host IPs and uids, upper-case image names), with dockerd's words and nothing left behind;
 * options Berth cannot apply are refused by name; options it applies are visible inside the
 * container; and the create response carries dockerd's warnings for what this host discards.
 */
class CreateValidationIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  /** POSTs {@code body} to /containers/create; returns "STATUS BODY". */
  private static String create(String body) {
    Exec.Result r = Exec.run(TestDaemon.env(), body.getBytes(StandardCharsets.UTF_8), 60, List.of("curl", "-s",
        "-w", " %{http_code}", "--unix-socket", TestDaemon.SOCKET.toString(), "-H", "Content-Type: application/json",
        "--data-binary", "@-", "http://d/v1.47/containers/create"));
    String out = r.out().trim();
    int sp = out.lastIndexOf(' ');
    return out.substring(sp + 1) + " " + out.substring(0, sp).trim();
  }

  @Test
  void wrongJsonTypesAreA400AndNothingIsStored() {
    String before = docker("ps", "-aq").out();
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"Cmd\": [\"true\"], \"HostConfig\": {\"Memory\": \"abc\"}}"))
        .isEqualTo("400 {\"message\":\"invalid JSON: json: cannot unmarshal string into Go struct field "
            + "CreateRequest.HostConfig.Memory of type int64\"}");
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"HostConfig\": {\"Memory\": 99999999999999999999999}}"))
        .startsWith("400 {\"message\":\"invalid JSON: json: cannot unmarshal number 99999999999999999999999 into "
            + "Go struct field CreateRequest.HostConfig.Memory of type int64");
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"Labels\": {\"a\": 1}}"))
        .startsWith("400 {\"message\":\"invalid JSON: json: cannot unmarshal number 1 into Go struct field "
            + "CreateRequest.Labels of type string");
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"Tty\": \"yes\"}")).startsWith("400 ");
    assertThat(docker("ps", "-aq").out()).isEqualTo(before);
    // what is stored can always be read back by the Go client
    assertThat(create("{\"image\": \"" + IMAGE + "\", \"cmd\": \"true\", \"hostconfig\": {\"memory\": 67108864}}"))
        .startsWith("201 ");
    Exec.Result all = docker("inspect", "-f", "{{.HostConfig.Memory}} {{.Config.Cmd}}", docker("ps", "-lq").out().trim());
    assertThat(all.out()).isEqualTo("67108864 [true]\n");
    check(docker("rm", docker("ps", "-lq").out().trim()), "rm");
  }

  @Test
  void dockerdsCreateChecksFailTheCreateNotTheStart() {
    String before = docker("ps", "-aq").out();
    Exec.Result r = docker("create", "-w", "relative", IMAGE, "true");
    assertThat(r.err()).contains("Error response from daemon: the working directory 'relative' is invalid, it needs "
        + "to be an absolute path");
    r = docker("run", "--rm", "--cap-add", "BOGUS", IMAGE, "true");
    assertThat(r.exit()).isEqualTo(125);
    assertThat(r.err()).contains("Error response from daemon: invalid CapAdd: unknown capability: \"CAP_BOGUS\"");
    r = docker("create", "-u", "99999999999", IMAGE, "true");
    assertThat(r.err()).contains("Error response from daemon: uids and gids must be in range 0-2147483647");
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"HostConfig\": {\"PortBindings\": {\"80/tcp\": "
        + "[{\"HostIp\": \"nope\", \"HostPort\": \"8080\"}]}}}"))
        .isEqualTo("400 {\"message\":\"invalid HostIp \\\"nope\\\" for port 80/tcp: not an IP address\"}");
    String imageId = docker("image", "inspect", "-f", "{{.Id}}", IMAGE).out().trim();
    for (String ref : List.of(imageId, imageId.substring("sha256:".length()), imageId.substring(7, 19))) {
      Exec.Result byId = docker("run", "--rm", ref, "true");
      assertThat(byId.exit()).as(ref + ": " + byId.all()).isZero();
    }
    assertThat(create("{\"Image\": \"Busybox\", \"Cmd\": [\"true\"]}")).isEqualTo(
        "400 {\"message\":\"invalid reference format: repository name (library/Busybox) must be lowercase\"}");
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"HostConfig\": {\"CpusetCpus\": \"999\"}}"))
        .startsWith("400 {\"message\":\"Requested CPUs are not available - requested 999, available: ");
    assertThat(docker("ps", "-aq").out()).isEqualTo(before);
  }

  @Test
  void optionsBerthCannotApplyAreRefusedByName() {
    assertThat(docker("create", "--cgroup-parent", "mine", IMAGE, "true").err())
        .contains("CgroupParent (--cgroup-parent) is not supported by Berth");
    assertThat(docker("create", "--runtime", "crun", IMAGE, "true").err())
        .contains("unknown or invalid runtime name: crun");
    assertThat(docker("create", "--storage-opt", "size=1G", IMAGE, "true").err())
        .contains("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
    assertThat(docker("create", "--volumes-from", "other", IMAGE, "true").err())
        .contains("VolumesFrom (--volumes-from) is not supported by Berth");
    assertThat(docker("create", "--cpu-rt-runtime", "1000", IMAGE, "true").err())
        .contains("CpuRealtimePeriod/CpuRealtimeRuntime (--cpu-rt-period, --cpu-rt-runtime) is not supported by Berth");
    assertThat(docker("create", "--mac-address", "02:42:ac:11:00:02", IMAGE, "true").err())
        .contains("MacAddress (--mac-address) is not supported by Berth yet");
    assertThat(create("{\"Image\": \"" + IMAGE + "\", \"HostConfig\": {\"DeviceCgroupRules\": [\"c 1:3\"]}}"))
        .isEqualTo("400 {\"message\":\"invalid device cgroup rule format: 'c 1:3'\"}");
    assertThat(docker("create", "--gpus", "all", IMAGE, "true").err())
        .contains("could not select device driver \"\" with capabilities: [[gpu]]");
  }

  @Test
  void cgroupAndNamespaceOptionsAreApplied() throws Exception {
    assertThat(docker("run", "--rm", "--cpuset-cpus", "0", IMAGE, "nproc").out()).isEqualTo("1\n");
    String cgroups = docker("run", "--rm", "--memory-swappiness", "10", "--oom-kill-disable", "-m", "64m",
        "--device-cgroup-rule", "c 42:* rm", IMAGE, "sh", "-c",
        "cat /sys/fs/cgroup/memory/memory.swappiness /sys/fs/cgroup/memory/memory.oom_control "
            + "/sys/fs/cgroup/devices/devices.list").out();
    assertThat(cgroups).startsWith("10\noom_kill_disable 1\n").contains("c 42:* rm\n");
    String device = blockDevice();
    if (device != null) {
      assertThat(docker("run", "--rm", "--device-read-bps", device + ":1mb", IMAGE, "cat",
          "/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device").out()).endsWith(" 1048576\n");
    }
    String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    assertThat(docker("run", "--rm", "--uts", "host", IMAGE, "hostname").out()).isEqualTo(hostname + "\n");
    assertThat(docker("run", "--rm", "--domainname", "example.org", IMAGE, "cat", "/proc/sys/kernel/domainname").out())
        .isEqualTo("example.org\n");
    assertThat(docker("run", "--rm", "--cgroupns", "private", IMAGE, "cat", "/proc/self/cgroup").out())
        .contains(":memory:/\n");
    check(docker("run", "-d", "--name", "annotated", "--annotation", "io.example.team=core", IMAGE, "sleep", "60"), "run");
    String id = docker("inspect", "-f", "{{.Id}}", "annotated").out().trim();
    assertThat(Files.readString(TestDaemon.BASE.resolve("exec/containers/" + id + "/config.json")))
        .contains("\"annotations\":{\"io.example.team\":\"core\"}");
    check(docker("rm", "-f", "annotated"), "rm");
  }

  @Test
  void theCreateResponseCarriesDockerdsWarnings() {
    Exec.Result r = docker("create", "--name", "warned", "--oom-kill-disable", "--blkio-weight", "300", IMAGE, "true");
    check(r, "create");
    assertThat(r.err()).contains("WARNING: OOM killer is disabled for the container, but no memory limit is set, "
        + "this can result in the system running out of resources.");
    if (!Files.exists(Path.of("/sys/fs/cgroup/blkio/blkio.weight"))
        && !Files.exists(Path.of("/sys/fs/cgroup/blkio/blkio.bfq.weight"))) {
      assertThat(r.err()).contains("WARNING: Your kernel does not support Block I/O weight or the cgroup is not "
          + "mounted. Weight discarded.");
    }
    check(docker("rm", "warned"), "rm");
  }

  private static String blockDevice() throws Exception {
    try (var list = Files.list(Path.of("/dev"))) {
      return list.filter(p -> p.getFileName().toString().matches("loop\\d+")).map(Path::toString).sorted()
          .findFirst().orElse(null);
    }
  }
}
