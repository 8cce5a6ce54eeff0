package io.berth.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {
  @TempDir Path dir;

  @Test
  void readsLikeDocker() throws Exception {
    Path f = dir.resolve("app.env");
    Files.writeString(f, "\uFEFF# comment\n\nA=1\n  B= spaced value \nQ=\"quoted\"\nFROM_ENV\nMISSING\r\nEMPTY=\n");
    assertThat(EnvFile.parse(f, Map.of("FROM_ENV", "x")))
        .containsExactly("A=1", "B= spaced value ", "Q=\"quoted\"", "FROM_ENV=x", "MISSING", "EMPTY=");
  }

  @Test
  void namesWithSpacesAreErrors() throws Exception {
    Path f = dir.resolve("bad.env");
    Files.writeString(f, "GOOD=1\nBAD NAME=2\n");
    assertThatThrownBy(() -> EnvFile.parse(f, Map.of())).hasMessageContaining("variable 'BAD NAME' contains whitespaces");
    Path g = dir.resolve("noname.env");
    Files.writeString(g, "=value\n");
    assertThatThrownBy(() -> EnvFile.parse(g, Map.of())).hasMessageContaining("no variable name");
    assertThatThrownBy(() -> EnvFile.parse(dir.resolve("absent.env"), Map.of())).hasMessageContaining("no such file");
  }

  @Test
  void envFlag() {
    assertThat(EnvFile.flag("A=b=c", Map.of())).isEqualTo("A=b=c");
    assertThat(EnvFile.flag("HOME", Map.of("HOME", "/root"))).isEqualTo("HOME=/root");
    assertThat(EnvFile.flag("UNSET", Map.of())).isEqualTo("UNSET");
    assertThatThrownBy(() -> EnvFile.flag("=x", Map.of())).hasMessageContaining("invalid environment variable");
  }
}
