package io.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalVolumeOptionsTest {
  @TempDir Path tmp;

  @Test
  void noOptionsIsAPlainDirectory() {
    assertThat(LocalVolumeOptions.parse(Map.of())).isNull();
    assertThat(LocalVolumeOptions.parse(null)).isNull();
  }

  @Test
  void tmpfsAndBindAreAccepted() {
    LocalVolumeOptions t = LocalVolumeOptions.parse(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=64m,uid=1000"));
    assertThat(t.bind()).isFalse();
    LocalVolumeOptions b = LocalVolumeOptions.parse(Map.of("type", "none", "o", "bind", "device", tmp.toString()));
    assertThat(b.bind()).isTrue();
    assertThat(LocalVolumeOptions.parse(Map.of("type", "none", "o", "rbind,ro", "device", tmp.toString())).bind()).isTrue();
  }

  @Test
  void badOptionsSayWhatIsWrong() {
    refused(Map.of("colour", "blue"), "invalid option: \"colour\"");
    refused(Map.of("device", "tmpfs"), "missing required option: \"type\"");
    refused(Map.of("type", "tmpfs"), "missing required option: \"device\"");
    refused(Map.of("type", "tmpfs", "o", "size=1m"), "missing required option: \"device\"");
    refused(Map.of("type", "nosuchfs", "device", "x"), "unknown filesystem type \"nosuchfs\"");
    refused(Map.of("type", "none", "device", tmp.toString()), "type \"none\" needs o=bind");
    refused(Map.of("type", "none", "o", "bind", "device", tmp.resolve("missing").toString()),
        "no such file or directory");
    refused(Map.of("type", "none", "o", "bind", "device", "relative/dir"), "absolute host path");
    refused(Map.of("type", "ext4", "device", "/dev/no-such-disk"), "does not exist");
    refused(Map.of("size", "10m"), "quota size requested but no quota support");
    refused(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m\nx"), "control characters");
  }

  private static void refused(Map<String, String> opts, String message) {
    assertThatThrownBy(() -> LocalVolumeOptions.parse(opts)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void mountinfoEscapesAreDecoded() {
    assertThat(LocalVolumeOptions.unescape("/a\\040b\\134c")).isEqualTo("/a b\\c");
  }
}
