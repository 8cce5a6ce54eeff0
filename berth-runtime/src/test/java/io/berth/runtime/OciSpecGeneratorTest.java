package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciSpecGeneratorTest {
  @TempDir Path rootfs;
  private final OciSpecGenerator gen = new OciSpecGenerator(new ObjectMapper(), "berth", "/usr/bin/tini-static");
  /** Config.Domainname of the specs built here (a fresh instance per test). */
  private String domain = "";

  private ContainerSpec spec(String user, boolean privileged, List<String> add, List<String> drop, Long mem,
      boolean init) {
    return spec(user, privileged, add, drop, mem, init, ProcessTuning.NONE);
  }

  private ContainerSpec spec(String user, boolean privileged, List<String> add, List<String> drop, Long mem,
      boolean init, ProcessTuning tuning) {
    return spec(user, privileged, add, drop, mem, init, tuning, SecurityProfile.DEFAULT, CgroupTuning.NONE);
  }

  private ContainerSpec spec(String user, boolean privileged, List<String> add, List<String> drop, Long mem,
      boolean init, ProcessTuning tuning, SecurityProfile security, CgroupTuning cgroups) {
    return new ContainerSpec("abc", "n", rootfs, List.of("sh"), List.of("A=1"), "", user, "host", false, false,
        false, false, privileged, add, drop, security, List.of(),
        new Resources(mem, null, null, null, 50_000L, 100_000L, 64L), "/run/netns/x", init, Map.of(),
        "SIGTERM", tuning, cgroups, Map.of("io.example/a", "b"), domain);
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void dockerDefaults() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
    domain = "example.org";
    JsonNode s = gen.generate(spec("app", false, List.of(), List.of(), 16L << 20, false));
    assertThat(s.at("/process/user/uid").asInt()).isEqualTo(1000);
    assertThat(strings(s.at("/process/user/additionalGids"))).containsExactly("2000");
    assertThat(strings(s.at("/process/env"))).contains("PATH=" + OciSpecGenerator.DEFAULT_PATH, "HOSTNAME=host",
        "A=1", "HOME=/home/app");
    assertThat(strings(s.at("/process/capabilities/bounding"))).containsExactlyElementsOf(OciSpecGenerator.DEFAULT_CAPS);
    assertThat(s.at("/process/capabilities/effective")).isEmpty();
    assertThat(strings(s.at("/linux/maskedPaths"))).contains("/proc/kcore", "/sys/firmware");
    assertThat(s.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(s.at("/linux/resources/memory/limit").asLong()).isEqualTo(16L << 20);
    assertThat(s.at("/linux/resources/memory/swap").asLong()).isEqualTo(16L << 20);
    assertThat(s.at("/linux/resources/cpu/quota").asLong()).isEqualTo(50_000);
    assertThat(s.at("/linux/resources/pids/limit").asLong()).isEqualTo(64);
    assertThat(s.at("/linux/cgroupsPath").asText()).isEqualTo("/berth/abc");
    assertThat(s.at("/linux/sysctl/kernel.domainname").asText()).isEqualTo("example.org");
    assertThat(s.at("/linux/namespaces").toString()).contains("/run/netns/x");
  }

  @Test
  void ulimitsSysctlsShmGroupsAndOomScore() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\naudio:x:29:\n");
    JsonNode s = gen.generate(spec("0", false, List.of(), List.of(), null, false, new ProcessTuning(
        List.of(new ProcessTuning.Rlimit("RLIMIT_NOFILE", 1024, 2048), new ProcessTuning.Rlimit("RLIMIT_CORE", -1, -1)),
        Map.of("net.ipv4.ip_forward", "0"), 32L << 20, List.of("audio", "4242"), -500, List.of(), null, null)));
    assertThat(s.at("/process/rlimits").toString()).isEqualTo("[{\"type\":\"RLIMIT_NOFILE\",\"hard\":2048,\"soft\":1024},"
        + "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615}]");
    assertThat(s.at("/linux/sysctl/net.ipv4.ip_forward").asText()).isEqualTo("0");
    assertThat(s.at("/mounts").toString()).contains("\"size=" + (32L << 20) + "\"");
    assertThat(strings(s.at("/process/user/additionalGids"))).containsExactly("29", "4242");
    assertThat(s.at("/process/oomScoreAdj").asInt()).isEqualTo(-500);
    assertThatThrownBy(() -> gen.generate(spec("0", false, List.of(), List.of(), null, false,
        new ProcessTuning(List.of(), Map.of(), null, List.of("nosuchgroup"), 0, List.of(), null, null))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("nosuchgroup");
    // unset: Docker's 64 MiB /dev/shm, no rlimits of our own, no sysctl
    JsonNode d = gen.generate(spec("0", false, List.of(), List.of(), null, false));
    assertThat(d.at("/mounts").toString()).contains("\"size=67108864\"");
    assertThat(d.at("/process/rlimits").isMissingNode()).isTrue();
    assertThat(d.at("/linux/sysctl").isMissingNode()).isTrue();
  }

  @Test
  void devicesAndSharedPidAndIpcNamespaces() {
    // /dev/null is a character device 1:3 everywhere; as /dev/mynull, read and write only
    JsonNode s = gen.generate(spec("0", false, List.of(), List.of(), null, false, new ProcessTuning(List.of(), Map.of(),
        null, List.of(), 0, List.of(new ProcessTuning.DeviceRequest("/dev/null", "/dev/mynull", "rw")), "host", "host")));
    assertThat(s.at("/linux/devices/0/path").asText()).isEqualTo("/dev/mynull");
    assertThat(s.at("/linux/devices/0/type").asText()).isEqualTo("c");
    assertThat(s.at("/linux/devices/0/major").asLong()).isEqualTo(1);
    assertThat(s.at("/linux/devices/0/minor").asLong()).isEqualTo(3);
    assertThat(s.at("/linux/resources/devices").toString())
        .endsWith("{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]");
    assertThat(s.at("/linux/namespaces").toString()).doesNotContain("\"pid\"", "\"ipc\"");
    assertThat(s.at("/mounts").toString()).contains("{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/dev/shm\"");
    JsonNode j = gen.generate(spec("0", false, List.of(), List.of(), null, false, new ProcessTuning(List.of(), Map.of(),
        null, List.of(), 0, List.of(), "/proc/42/ns/pid", "none")));
    assertThat(j.at("/linux/namespaces").toString()).contains("{\"type\":\"pid\",\"path\":\"/proc/42/ns/pid\"}",
        "{\"type\":\"ipc\"}");
    assertThat(j.at("/mounts").toString()).doesNotContain("/dev/shm");
    assertThat(j.at("/linux/devices").isMissingNode()).isTrue();
    assertThatThrownBy(() -> gen.generate(spec("0", false, List.of(), List.of(), null, false, new ProcessTuning(List.of(),
        Map.of(), null, List.of(), 0, List.of(new ProcessTuning.DeviceRequest("/etc/hostname", "", "rwm")), null, null))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not a device node");
  }

  @Test
  void capabilitiesAndPrivileged() {
    JsonNode s = gen.generate(spec("0", false, List.of("NET_ADMIN"), List.of("chown", "CAP_KILL"), null, true));
    assertThat(strings(s.at("/process/capabilities/effective"))).contains("CAP_NET_ADMIN")
        .doesNotContain("CAP_CHOWN", "CAP_KILL");
    assertThat(strings(s.at("/process/args"))).containsExactly("/sbin/docker-init", "--", "sh");
    assertThat(gen.generate(spec("0", false, List.of(), List.of("ALL"), null, false))
        .at("/process/capabilities/bounding")).isEmpty();
    JsonNode p = gen.generate(spec("0", true, List.of(), List.of(), null, false));
    assertThat(p.at("/linux/seccomp").isMissingNode()).isTrue();
    assertThat(p.at("/linux/maskedPaths").isMissingNode()).isTrue();
    assertThat(strings(p.at("/process/capabilities/bounding"))).contains("CAP_SYS_ADMIN");
    assertThatThrownBy(() -> gen.generate(spec("0", false, List.of("BOGUS"), List.of(), null, false)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> gen.generate(spec("nosuchuser", false, List.of(), List.of(), null, false)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("nosuchuser");
  }

  @Test
  void securityOptionsReachTheSpec() {
    String noMkdir = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
        + "\"action\":\"SCMP_ACT_ERRNO\"}]}";
    JsonNode s = gen.generate(spec("0", false, List.of(), List.of(), null, false, ProcessTuning.NONE,
        new SecurityProfile(noMkdir, true, "my-profile", List.of(), List.of()), CgroupTuning.NONE));
    assertThat(s.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
    assertThat(s.at("/linux/seccomp/syscalls").toString())
        .isEqualTo("[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]");
    assertThat(s.at("/process/noNewPrivileges").asBoolean()).isTrue();
    assertThat(s.at("/process/apparmorProfile").asText()).isEqualTo("my-profile");
    assertThat(s.at("/linux/maskedPaths")).isEmpty();
    assertThat(s.at("/linux/readonlyPaths")).isEmpty();
    assertThat(s.at("/annotations/io.example~1a").asText()).isEqualTo("b");
    JsonNode u = gen.generate(spec("0", false, List.of(), List.of(), null, false, ProcessTuning.NONE,
        new SecurityProfile(SecurityProfile.UNCONFINED, false, null, null, null), CgroupTuning.NONE));
    assertThat(u.at("/linux/seccomp").isMissingNode()).isTrue();
    assertThat(u.at("/process/noNewPrivileges").asBoolean()).isFalse();
    assertThat(u.at("/process/apparmorProfile").isMissingNode()).isTrue();
    assertThat(strings(u.at("/linux/maskedPaths"))).containsExactlyElementsOf(OciSpecGenerator.MASKED);
    // --privileged runs unconfined unless a profile was given, as dockerd
    JsonNode p = gen.generate(spec("0", true, List.of(), List.of(), null, false, ProcessTuning.NONE,
        new SecurityProfile(noMkdir, false, null, null, null), CgroupTuning.NONE));
    assertThat(p.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ALLOW");
  }

  @Test
  void privilegedGetsTheHostsDevices() {
    JsonNode p = gen.generate(spec("0", true, List.of(), List.of(), null, false, new ProcessTuning(List.of(), Map.of(),
        null, List.of(), 0, List.of(new ProcessTuning.DeviceRequest("/dev/null", "/dev/mynull", "r")), null, null)));
    List<String> paths = new ArrayList<>();
    p.at("/linux/devices").forEach(d -> paths.add(d.path("path").asText()));
    assertThat(paths).contains("/dev/null", "/dev/zero", "/dev/mynull").doesNotContain("/dev/console")
        .doesNotHaveDuplicates();
    assertThat(paths).noneMatch(x -> x.startsWith("/dev/pts/"));
    assertThat(p.at("/linux/resources/devices").toString()).isEqualTo("[{\"allow\":true,\"access\":\"rwm\"}]");
  }

  @Test
  void cgroupTuningAndNamespaces() {
    domain = "example.org"; // the host's UTS namespace: its domain name is not ours to set
    CgroupTuning c = new CgroupTuning("0-1", "0", 10L, true, 300, List.of(new CgroupTuning.DeviceWeight(8, 0, 200)),
        List.of(new CgroupTuning.Throttle(7, 0, 1 << 20)), List.of(), List.of(), List.of(new CgroupTuning.Throttle(7, 0, 50)),
        List.of(new CgroupTuning.DeviceRule("c", 42L, null, "rm")));
    JsonNode s = gen.generate(spec("0", false, List.of(), List.of(), 16L << 20, false, new ProcessTuning(List.of(),
        Map.of(), null, List.of(), 0, List.of(), null, null, true, true), SecurityProfile.DEFAULT, c));
    assertThat(s.at("/linux/resources/cpu/cpus").asText()).isEqualTo("0-1");
    assertThat(s.at("/linux/resources/cpu/mems").asText()).isEqualTo("0");
    assertThat(s.at("/linux/resources/cpu/quota").asLong()).isEqualTo(50_000);
    assertThat(s.at("/linux/resources/memory/swappiness").asLong()).isEqualTo(10);
    assertThat(s.at("/linux/resources/memory/disableOOMKiller").asBoolean()).isTrue();
    assertThat(s.at("/linux/resources/memory/limit").asLong()).isEqualTo(16L << 20);
    assertThat(s.at("/linux/resources/blockIO").toString()).isEqualTo("{\"weight\":300,"
        + "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":200}],"
        + "\"throttleReadBpsDevice\":[{\"major\":7,\"minor\":0,\"rate\":1048576}],"
        + "\"throttleWriteIOPSDevice\":[{\"major\":7,\"minor\":0,\"rate\":50}]}");
    assertThat(s.at("/linux/resources/devices").toString())
        .endsWith("{\"allow\":true,\"type\":\"c\",\"major\":42,\"access\":\"rm\"}]");
    assertThat(s.at("/linux/namespaces").toString()).doesNotContain("\"uts\"").contains("{\"type\":\"cgroup\"}");
    assertThat(s.has("hostname")).isFalse();
    assertThat(s.at("/linux/sysctl").isMissingNode()).isTrue();
  }

  @Test
  void capAddAllKeepsWhatIsDroppedOutAsDocker() {
    JsonNode s = gen.generate(spec("0", false, List.of("ALL"), List.of("NET_ADMIN"), null, false));
    assertThat(strings(s.at("/process/capabilities/bounding"))).contains("CAP_SYS_ADMIN").doesNotContain("CAP_NET_ADMIN");
    JsonNode d = gen.generate(spec("0", false, List.of("kill"), List.of("all"), null, false));
    assertThat(strings(d.at("/process/capabilities/bounding"))).containsExactly("CAP_KILL");
    assertThatThrownBy(() -> gen.generate(spec("0", false, List.of("BOGUS"), List.of(), null, false)))
        .hasMessage("invalid CapAdd: unknown capability: \"CAP_BOGUS\"");
  }
}
