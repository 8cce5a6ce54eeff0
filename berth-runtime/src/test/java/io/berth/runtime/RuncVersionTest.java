package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which runc builds start exec'd processes with a wrong RLIMIT_NOFILE soft limit now and then. */
class RuncVersionTest {
  private static String output(String runc, String go) {
    return "runc version " + runc + "\ncommit: x\nspec: 1.0.2-dev\n" + (go == null ? "" : "go: go" + go + "\n")
        + "libseccomp: 2.5.4\n";
  }

  @Test
  void readsRuncAndGoVersions() {
    RuncVersion v = RuncVersion.parse(output("1.1.5+ds1", "1.19.8"));
    assertThat(v.version()).isEqualTo("1.1.5+ds1");
    assertThat(v.go()).isEqualTo("1.19.8");
  }

  @Test
  void aRunc11BeforeTheFixBuiltWithGo119OrLaterHasTheRace() {
    assertThat(RuncVersion.parse(output("1.1.5+ds1", "1.19.8")).execNofileRace()).isTrue();
    assertThat(RuncVersion.parse(output("1.1.12", "1.21.9")).execNofileRace()).isTrue();
    assertThat(RuncVersion.parse(output("1.0.3", "1.20")).execNofileRace()).isTrue();
  }

  @Test
  void fixedRuncsOldGoAndUnknownOutputDoNot() {
    assertThat(RuncVersion.parse(output("1.1.13", "1.21.11")).execNofileRace()).isFalse();
    assertThat(RuncVersion.parse(output("1.2.0", "1.22.8")).execNofileRace()).isFalse();
    assertThat(RuncVersion.parse(output("1.1.4", "1.18.10")).execNofileRace()).isFalse();
    assertThat(RuncVersion.parse(output("1.1.5", null)).execNofileRace()).isFalse();
    assertThat(RuncVersion.parse("crun version 1.8").execNofileRace()).isFalse();
  }
}
