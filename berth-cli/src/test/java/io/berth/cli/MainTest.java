package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process, as berth-it will run it: exit codes and the messages docker users expect. */
class MainTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
  }

  @Test
  void versionFlag() {
    assertThat(run(Map.of(), "--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).matches("Berth version 0\\.1\\.0, build \\S+\\n");
  }

  @Test
  void unreachableDaemonIsOneLineAndExitOne() {
    String sock = "unix://" + dir.resolve("absent.sock");
    assertThat(run(Map.of("DOCKER_HOST", sock), "ps")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Cannot connect to the Berth daemon at " + sock + ". Is berthd running?\n");
  }

  @Test
  void hostFlagBeatsEnvironment() {
    String flag = "unix://" + dir.resolve("flag.sock");
    assertThat(run(Map.of("BERTH_HOST", "unix:///nowhere.sock"), "-H", flag, "images")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(flag);
  }

  @Test
  void badRunFlagsExit125BeforeContactingTheDaemon() {
    assertThat(run(Map.of("DOCKER_HOST", "unix://" + dir.resolve("x.sock")), "run", "-m", "lots", "busybox"))
        .isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid argument \"lots\" for \"-m, --memory\" flag");
  }

  @Test
  void unknownCommandAndHelp() {
    assertThat(run(Map.of(), "frobnicate")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'frobnicate' is not a berth command");
    assertThat(run(Map.of(), "run", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: berth run").contains("--publish");
  }

  @Test
  void daemonErrorsAreReportedLikeDocker() throws Exception {
    try (var s = new io.berth.cli.api.TestServerHandle(dir)) {
      s.replyOnce("HTTP/1.1 404 Not Found\r\nContent-Length: 37\r\n\r\n{\"message\":\"No such container: nope\"}");
      assertThat(run(Map.of("DOCKER_HOST", s.uri()), "logs", "nope")).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error response from daemon: No such container: nope\n");
    }
  }
}
