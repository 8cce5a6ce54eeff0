package io.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ContainerOptionsTest {
  private static JsonNode body(String... args) throws Exception {
    ContainerOptions o = new ContainerOptions();
    new CommandLine(o).parseArgs(args);
    return o.body("img:1", List.of("sh"), true, Map.of("TOKEN", "s3cret"));
  }

  @Test
  void runFlagsBecomeTheCreateBody() throws Exception {
    JsonNode b = body("--name", "web", "-e", "A=1", "-e", "TOKEN", "-p", "28080:8080", "-m", "600m", "--cpus", "1.5",
        "--pids-limit", "100", "--restart", "on-failure:3", "--cap-add", "NET_ADMIN", "--read-only", "--init",
        "-l", "tier=web", "-w", "/srv", "-u", "1000:1000", "-h", "box", "--tmpfs", "/run:size=64m",
        "-v", "/data:/data:ro", "--health-cmd", "true", "--health-interval", "5s", "--health-retries", "2");
    assertThat(b.path("Env").toString()).isEqualTo("[\"A=1\",\"TOKEN=s3cret\"]");
    assertThat(b.path("Cmd").toString()).isEqualTo("[\"sh\"]");
    assertThat(b.path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(b.path("Hostname").asText()).isEqualTo("box");
    assertThat(b.path("User").asText()).isEqualTo("1000:1000");
    assertThat(b.path("WorkingDir").asText()).isEqualTo("/srv");
    assertThat(b.path("Labels").path("tier").asText()).isEqualTo("web");
    assertThat(b.path("Healthcheck").toString())
        .isEqualTo("{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":5000000000,\"Retries\":2}");
    JsonNode hc = b.path("HostConfig");
    assertThat(hc.path("Memory").asLong()).isEqualTo(600L << 20);
    assertThat(hc.path("NanoCpus").asLong()).isEqualTo(1_500_000_000L);
    assertThat(hc.path("PidsLimit").asLong()).isEqualTo(100);
    assertThat(hc.path("RestartPolicy").toString()).isEqualTo("{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}");
    assertThat(hc.path("PortBindings").path("8080/tcp").get(0).path("HostPort").asText()).isEqualTo("28080");
    assertThat(hc.path("CapAdd").toString()).isEqualTo("[\"NET_ADMIN\"]");
    assertThat(hc.path("ReadonlyRootfs").asBoolean()).isTrue();
    assertThat(hc.path("Init").asBoolean()).isTrue();
    assertThat(hc.path("Tmpfs").path("/run").asText()).isEqualTo("size=64m");
    assertThat(hc.path("Binds").toString()).isEqualTo("[\"/data:/data:ro\"]");
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> body("-m", "lots")).hasMessage(
        "invalid argument \"lots\" for \"-m, --memory\" flag: invalid size: 'lots'");
    assertThatThrownBy(() -> body("--cpus", "two")).hasMessageContaining("for \"--cpus\" flag");
    assertThatThrownBy(() -> body("--restart", "sometimes")).hasMessageContaining("invalid restart policy");
    assertThatThrownBy(() -> body("--health-cmd", "x", "--health-interval", "5")).hasMessageContaining("--health-interval");
    assertThatThrownBy(() -> body("--mount", "type=bind,source=/a")).hasMessageContaining("target is required");
  }

  @Test
  void mountFlag() throws Exception {
    JsonNode m = body("--mount", "type=bind,src=/a,dst=/b,readonly").path("HostConfig").path("Mounts").get(0);
    assertThat(m.toString()).isEqualTo("{\"Type\":\"bind\",\"Source\":\"/a\",\"Target\":\"/b\",\"ReadOnly\":true}");
  }

  @Test
  void securityOptSendsTheSeccompProfileNotItsPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path profile = dir.resolve("p.json");
    java.nio.file.Files.writeString(profile, "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\"\n}\n");
    JsonNode hc = body("--security-opt", "seccomp=" + profile, "--security-opt", "no-new-privileges",
        "--security-opt", "seccomp=unconfined", "--cpuset-cpus", "0-1", "--cpuset-mems", "0").path("HostConfig");
    assertThat(hc.path("SecurityOpt").toString()).isEqualTo(
        "[\"seccomp={\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\",\"no-new-privileges\",\"seccomp=unconfined\"]");
    assertThat(hc.path("CpusetCpus").asText()).isEqualTo("0-1");
    assertThat(hc.path("CpusetMems").asText()).isEqualTo("0");
    assertThatThrownBy(() -> body("--security-opt", "seccomp=" + dir.resolve("missing.json")))
        .hasMessageContaining("opening seccomp profile (" + dir.resolve("missing.json") + ") failed");
    assertThatThrownBy(() -> body("--security-opt", "apparmor")).hasMessage("invalid --security-opt: \"apparmor\"");
  }
}
