package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {
  @Test
  void runcUpdateFlagsCarryOnlyWhatIsSetAndSwapFollowsMemory() {
    assertThat(new Resources(64L << 20, null, null, null, 50_000L, 100_000L, -1L).updateFlags()).containsExactly(
        "--memory", "67108864", "--memory-swap", "67108864", "--cpu-period", "100000", "--cpu-quota", "50000",
        "--pids-limit", "-1");
    assertThat(new Resources(null, null, null, 512L, null, null, null).updateFlags())
        .containsExactly("--cpu-share", "512");
    assertThat(Resources.NONE.updateFlags()).isEqualTo(List.of());
    assertThat(new Resources(64L, -1L, null, null, null, null, null).updateFlags())
        .containsExactly("--memory", "64", "--memory-swap", "-1");
  }
}
