package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.errdefs.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class BindSpecTest {
  @Test
  void hostPathsAreBindsAndNamesAreVolumes() {
    assertThat(BindSpec.parse("/host:/ctr:ro"))
        .isEqualTo(new BindSpec("/host", "/ctr", true, false, false, "rprivate", "ro"));
    assertThat(BindSpec.parse("vol:/data"))
        .isEqualTo(new BindSpec("vol", "/data", false, true, false, "rprivate", ""));
    assertThat(BindSpec.parse("vol:/data:nocopy").noCopy()).isTrue();
    assertThat(BindSpec.parse("/h:/c:rshared,ro").propagation()).isEqualTo("rshared");
    assertThat(BindSpec.parse("/h:/c:z").readOnly()).isFalse();
  }

  @Test
  void aPathAloneIsAnAnonymousVolume() {
    BindSpec s = BindSpec.parse("/data");
    assertThat(s.anonymous()).isTrue();
    assertThat(s.destination()).isEqualTo("/data");
    // a second part that is a mode belongs to the anonymous volume, not a destination
    assertThat(BindSpec.parse("/data:nocopy").anonymous()).isTrue();
    assertThat(BindSpec.parse("/data:nocopy").noCopy()).isTrue();
  }

  @Test
  void badSpecsAreRefusedWithDockersMessages() {
    assertThatThrownBy(() -> BindSpec.parse("/host:relative")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("mount path must be absolute");
    assertThatThrownBy(() -> BindSpec.parse("/a:/b:bogus")).hasMessage("invalid mode: bogus");
    assertThatThrownBy(() -> BindSpec.parse("/a:/b:ro,rw")).hasMessage("invalid mode: ro,rw");
    assertThatThrownBy(() -> BindSpec.parse("x")).hasMessageContaining("mount path must be absolute");
    assertThatThrownBy(() -> BindSpec.parse("a:b:c:d")).hasMessageContaining("invalid volume specification");
    assertThatThrownBy(() -> BindSpec.parse("vol:/")).hasMessageContaining("destination can't be '/'");
    assertThatThrownBy(() -> BindSpec.parse("/data:ro")).hasMessageContaining("anonymous volumes");
    assertThatThrownBy(() -> BindSpec.parse("/h:/c:nocopy")).hasMessageContaining("VolumeOptions must not be specified");
    assertThatThrownBy(() -> BindSpec.parse("a/b:/c")).hasMessageContaining("invalid characters for a local volume name");
    assertThatThrownBy(() -> BindSpec.parse("")).hasMessageContaining("invalid volume specification");
  }
}
