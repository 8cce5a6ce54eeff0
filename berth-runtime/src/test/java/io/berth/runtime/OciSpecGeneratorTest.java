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

  private ContainerSpec spec(String user, boolean privileged, List<String> add, List<String> drop, Long mem,
      boolean init) {
    return new ContainerSpec("abc", "n", rootfs, List.of("sh"), List.of("A=1"), "", user, "host", false, false,
        false, false, privileged, add, drop, List.of(), List.of(),
        new Resources(mem, null, null, null, 50_000L, 100_000L, 64L), "/run/netns/x", init, Map.of(),
        "SIGTERM");
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
    assertThat(s.at("/linux/namespaces").toString()).contains("/run/netns/x");
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
}
