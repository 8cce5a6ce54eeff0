package io.berth.it;

import static io.berth.it.TestDaemon.IMAGE;
import static io.berth.it.TestDaemon.berth;
import static io.berth.it.TestDaemon.check;
import static io.berth.it.TestDaemon.docker;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The berth CLI against a real berthd: the same verbs and output shapes as docker's. */
class BerthCliIT {
  @BeforeAll
  static void daemon() {
    TestDaemon.ensure();
  }

  @AfterEach
  void cleanup() {
    for (String id : berth("ps", "-aq").out().split("\\s+")) {
      if (!id.isBlank()) {
        berth("rm", "-f", id);
      }
    }
  }

  @Test
  void socketIsOwnerAndGroupOnly() throws Exception {
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(TestDaemon.SOCKET))).isEqualTo("rw-rw----");
  }

  @Test
  void versionAndInfo() {
    Exec.Result r = berth("--version");
    check(r, "--version");
    assertThat(r.out()).startsWith("Berth version 0.1.0");
    r = berth("version", "--format", "{{.Server.ApiVersion}}");
    assertThat(r.out().trim()).isEqualTo("1.47");
    // Docker clients see the Docker release of API 1.47; berth tells the truth beside it (decision 0015)
    assertThat(docker("version", "--format", "{{.Server.Version}}").out().trim()).isEqualTo("27.5.1");
    assertThat(berth("version").out()).contains("Server: Berth Engine 0.1.0")
        .contains("Version:          0.1.0 (reported to Docker clients as 27.5.1)");
    assertThat(berth("info").out()).contains("Server Version: Berth 0.1.0 (Docker API of 27.5.1)");
    r = berth("info", "--format", "{{.Driver}} {{.CgroupDriver}}");
    assertThat(r.out().trim()).isEqualTo("overlay2 cgroupfs");
  }

  @Test
  void runAttachedDetachedAndExec() {
    Exec.Result r = berth("run", "--rm", IMAGE, "sh", "-c", "echo out; echo err >&2; exit 4");
    assertThat(r.exit()).isEqualTo(4);
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("err\n");
    r = Exec.run(TestDaemon.env(), "piped\n".getBytes(), 60,
        List.of(Exec.repoRoot().resolve("bin/berth").toString(), "run", "-i", "--rm", IMAGE, "cat"));
    assertThat(r.out()).isEqualTo("piped\n");
    r = berth("run", "-d", "--name", "cli1", "-e", "X=y", IMAGE, "sleep", "300");
    check(r, "run -d");
    String id = r.out().trim();
    r = berth("ps", "--format", "{{.ID}} {{.Names}} {{.Image}}");
    assertThat(r.out()).contains(id.substring(0, 12) + " cli1 " + IMAGE);
    r = berth("exec", "-e", "Z=1", "cli1", "sh", "-c", "echo $X$Z; exit 2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEqualTo("y1\n");
    r = berth("inspect", "--format", "{{.State.Status}} {{json .Config.Env}}", "cli1");
    assertThat(r.out()).startsWith("running [").contains("\"X=y\"");
    // range and if, as docker users write them; the same answer as the docker CLI's
    String format = "{{range $n, $e := .NetworkSettings.Networks}}{{$n}}={{$e.IPAddress}}{{end}}"
        + " {{range .Config.Env}}{{if .}}[{{.}}]{{end}}{{end}}";
    r = berth("inspect", "--format", format, "cli1");
    check(r, "inspect with range");
    assertThat(r.out()).startsWith("bridge=" + TestDaemon.SUBNET_PREFIX).contains("[X=y]").isEqualTo(docker("inspect", "--format", format, "cli1").out());
    check(berth("stop", "-t", "1", "cli1"), "stop");
    assertThat(berth("ps", "-a", "--format", "{{.Status}}").out()).startsWith("Exited (137)");
  }

  @Test
  void imagesSaveLoadAndErrors() throws Exception {
    Path tar = TestDaemon.BASE.resolve("cli-save.tar");
    check(berth("tag", IMAGE, "it/cli:1"), "tag");
    check(berth("save", "-o", tar.toString(), "it/cli:1"), "save");
    assertThat(Files.size(tar)).isPositive();
    check(berth("rmi", "it/cli:1"), "rmi");
    Exec.Result r = berth("load", "-i", tar.toString());
    assertThat(r.out()).contains("Loaded image: it/cli:1");
    r = berth("images", "--format", "{{.Repository}}:{{.Tag}}");
    assertThat(r.out()).contains("it/cli:1");
    check(berth("rmi", "it/cli:1"), "rmi");
    r = berth("run", "--rm", "--memory", "lots", IMAGE, "true");
    assertThat(r.exit()).isEqualTo(125);
    assertThat(r.err()).contains("invalid argument \"lots\"");
    r = berth("run", "--rm", "it/missing:1", "true");
    assertThat(r.exit()).isEqualTo(125);
    assertThat(r.err()).contains("Unable to find image 'it/missing:1' locally");
    r = Exec.run(Map.of("BERTH_HOST", "unix:///tmp/berth-it/nothing.sock"), null, 30,
        List.of(Exec.repoRoot().resolve("bin/berth").toString(), "ps"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("Cannot connect to the Berth daemon at unix:///tmp/berth-it/nothing.sock");
  }
}
