package io.berth.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VolumeRoutesTest {
  @Test
  void pruneTakesAllVolumesForClientsBeforeApi142() {
    assertThat(VolumeRoutes.before142("/v1.41/volumes/prune")).isTrue();
    assertThat(VolumeRoutes.before142("/v1.24/volumes/prune")).isTrue();
    assertThat(VolumeRoutes.before142("/v1.42/volumes/prune")).isFalse();
    assertThat(VolumeRoutes.before142("/v1.47/volumes/prune")).isFalse();
    assertThat(VolumeRoutes.before142("/volumes/prune")).isFalse();
  }
}
