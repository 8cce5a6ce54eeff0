package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.cli.session.Cli;
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
  void daemonOptionsAreRefusedByCommandsThatTalkToNoDaemon() {
    // an address it cannot bind: a berth that ignored -H would fail there instead of serving on
    assertThat(run(Map.of(), "-H", "unix:///x.sock", "registry", "serve", "--addr", "256.0.0.1:1",
        "--storage", dir.toString())).isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("berth: --host does not apply to berth registry serve, which serves a registry of its own");
    err.reset();
    assertThat(run(Map.of(), "--tlsverify", "registry", "gc", "--storage", dir.toString())).isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tlsverify does not apply to berth registry gc");
    err.reset();
    assertThat(run(Map.of(), "lab", "ls", "-H", "unix:///x.sock")).isEqualTo(125);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--host does not apply to berth lab,");
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
    try (var s = new io.berth.client.TestServerHandle(dir)) {
      s.replyOnce("HTTP/1.1 404 Not Found\r\nContent-Length: 37\r\n\r\n{\"message\":\"No such container: nope\"}");
      assertThat(run(Map.of("DOCKER_HOST", s.uri()), "logs", "nope")).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error response from daemon: No such container: nope\n");
    }
  }

  @Test
  void theCommandNameIsTheFirstWordAfterBerthsOwnOptions() {
    assertThat(Main.commandName(new String[] {"-H", "unix:///x.sock", "--tls", "push", "-q", "r/i"})).isEqualTo("push");
    assertThat(Main.commandName(new String[] {"--tlscert", "c.pem", "image", "ls"})).isEqualTo("image");
    assertThat(Main.commandName(new String[] {"--host=unix:///x.sock", "ps"})).isEqualTo("ps");
    assertThat(Main.commandName(new String[] {"--version"})).isNull();
    assertThat(Main.commandName(new String[] {"-H", "tcp://h:2375"})).isNull();
  }

  /** A run that names one command builds only it, and must build it whole: same subcommands and options as in the full tree. */
  @Test
  void aCommandBuiltAloneIsTheSameAsInTheFullTree() {
    Cli cli = new Cli(new ByteArrayInputStream(new byte[0]), System.out, System.err, Map.of());
    var full = Main.commands(new Main(cli), cli).getSubcommands();
    assertThat(full).containsKeys("push", "pull", "image", "container", "compose", "restart", "volume", "build");
    for (var e : full.entrySet()) {
      cli.only(e.getKey());
      var alone = Main.commands(new Main(cli), cli).getSubcommands();
      assertThat(alone).containsKey(e.getKey());
      assertThat(shape(alone.get(e.getKey()))).as(e.getKey()).isEqualTo(shape(e.getValue()));
      // the other groups stay empty shells
      alone.forEach((name, c) -> assertThat(name.equals(e.getKey()) || c.getSubcommands().isEmpty()).as(name).isTrue());
    }
    cli.only("push");
    assertThat(Main.commands(new Main(cli), cli).getSubcommands()).doesNotContainKeys("pull", "ps", "run");
  }

  /** Every command below {@code c}, each with its options' names. */
  private static java.util.List<String> shape(picocli.CommandLine c) {
    java.util.List<String> out = new java.util.ArrayList<>();
    out.add(c.getCommandSpec().qualifiedName() + " " + c.getCommandSpec().optionsMap().keySet().stream().sorted().toList());
    c.getSubcommands().values().forEach(s -> out.addAll(shape(s)));
    return out;
  }

  @Test
  void namedRunsStillAnswerHelpAndTypos() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("push").contains("compose").contains("network");
    assertThat(run(Map.of(), "image", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: berth image").contains("build");
    assertThat(run(Map.of(), "pusj")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'pusj' is not a berth command");
  }
}
