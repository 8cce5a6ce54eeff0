package io.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cli.session.Cli;
import io.berth.store.layer.CopyPaths;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The host side of berth cp and the body of berth update, without a daemon. */
class CopyCommandTest {
  @TempDir Path tmp;

  @Test
  void argumentsSplitAsTheDockerCli() {
    assertThat(CopyCommand.split("c1:/etc")).containsExactly("c1", "/etc");
    assertThat(CopyCommand.split("/abs:x")).containsExactly(null, "/abs:x");
    assertThat(CopyCommand.split("./file:name")).containsExactly(null, "./file:name");
    assertThat(CopyCommand.split("plain")).containsExactly(null, "plain");
    assertThat(CopyCommand.split("c1:")).containsExactly("c1", "");
  }

  @Test
  void rebasingRenamesTheFirstElementOnly() {
    assertThat(LocalCopy.rename("d/x", "d", "new")).isEqualTo("new/x");
    assertThat(LocalCopy.rename("d", "d", "new")).isEqualTo("new");
    assertThat(LocalCopy.rename("dx/y", "d", "new")).isEqualTo("dx/y");
    assertThat(LocalCopy.rename("./x", ".", "new")).isEqualTo("new/x");
    assertThat(LocalCopy.rename("/bin/sh", "", "root")).isEqualTo("root/bin/sh");
  }

  @Test
  void aLocalDirectoryRoundTripsThroughTheCopyTarWithANewName() throws Exception {
    Files.createDirectories(tmp.resolve("src/dir/sub"));
    Files.writeString(tmp.resolve("src/dir/sub/f"), "data");
    Files.createSymbolicLink(tmp.resolve("src/link"), Path.of("dir"));
    CopyPaths.Info info = LocalCopy.source(tmp.resolve("src/dir").toString(), false);
    assertThat(info.dir()).isTrue();
    Path out = Files.createDirectories(tmp.resolve("out"));
    CopyPaths.Prepared p = CopyPaths.prepare(info, LocalCopy.destination(out.resolve("copy").toString()));
    assertThat(p).isEqualTo(new CopyPaths.Prepared(out.toString(), "dir", "copy"));
    try (var tar = LocalCopy.tar(info, p.newBase())) {
      LocalCopy.untar(tar, p.dstDir());
    }
    assertThat(Files.readString(out.resolve("copy/sub/f"))).isEqualTo("data");
    CopyPaths.Info link = LocalCopy.source(tmp.resolve("src/link").toString(), false);
    assertThat(link.dir()).as("the link itself").isFalse();
    CopyPaths.Info followed = LocalCopy.source(tmp.resolve("src/link").toString(), true);
    assertThat(followed.dir()).isTrue();
    assertThat(followed.rebaseName()).isEqualTo("link");
    assertThatThrownBy(() -> LocalCopy.source(tmp.resolve("missing").toString(), false))
        .hasMessageContaining("no such file or directory");
    assertThatThrownBy(() -> LocalCopy.destination(tmp.resolve("none/x").toString()))
        .hasMessageContaining("no such file or directory");
  }

  @Test
  void updateSendsEveryFieldAndRefusesAnEmptyUpdate() {
    Cli cli = new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()), Map.of());
    ContainerFileCommands.Update u = new ContainerFileCommands.Update(cli);
    new CommandLine(u).parseArgs("--memory", "64m", "--cpus", "0.5", "--restart", "on-failure:3", "c1");
    var b = u.body();
    assertThat(b.path("Memory").asLong()).isEqualTo(64L << 20);
    assertThat(b.path("NanoCpus").asLong()).isEqualTo(500_000_000L);
    assertThat(b.path("RestartPolicy").path("Name").asText()).isEqualTo("on-failure");
    assertThat(b.path("RestartPolicy").path("MaximumRetryCount").asInt()).isEqualTo(3);
    assertThat(b.path("PidsLimit").isNull()).isTrue();
    assertThat(b.path("BlkioWeight").asInt()).isZero();
    ContainerFileCommands.Update none = new ContainerFileCommands.Update(cli);
    new CommandLine(none).parseArgs("c1");
    assertThatThrownBy(none::body).hasMessageContaining("one or more flags");
  }
}
