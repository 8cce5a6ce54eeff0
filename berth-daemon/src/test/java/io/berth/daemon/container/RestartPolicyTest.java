package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.daemon.records.RecordJson;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Docker's restart policies and back-off, decided without a daemon. */
class RestartPolicyTest {
  private static final Duration SHORT = Duration.ofSeconds(1);

  @Test
  void eachPolicyDecidesAsDocker() {
    RestartPolicy no = RestartPolicy.of(RecordJson.object());
    assertThat(no.name()).isEqualTo("no");
    assertThat(no.afterExit(1, false, 0, SHORT)).isEmpty();
    RestartPolicy always = new RestartPolicy("always", 0);
    assertThat(always.afterExit(0, false, 0, SHORT)).isPresent();
    assertThat(always.afterExit(0, true, 0, SHORT)).as("stopped by the user").isEmpty();
    assertThat(new RestartPolicy("unless-stopped", 0).afterExit(0, false, 5, SHORT)).isPresent();
    RestartPolicy onFailure = new RestartPolicy("on-failure", 2);
    assertThat(onFailure.afterExit(0, false, 0, SHORT)).as("a clean exit").isEmpty();
    assertThat(onFailure.afterExit(3, false, 1, SHORT)).isPresent();
    assertThat(onFailure.afterExit(3, false, 2, SHORT)).as("retries used up").isEmpty();
    assertThat(new RestartPolicy("on-failure", 0).afterExit(3, false, 1000, SHORT)).as("no maximum").isPresent();
  }

  @Test
  void theBackOffDoublesFrom100msUpToAMinuteAndResetsAfterTenSecondsRunning() {
    RestartPolicy always = new RestartPolicy("always", 0);
    assertThat(always.afterExit(0, false, 0, SHORT)).contains(Duration.ofMillis(100));
    assertThat(always.afterExit(0, false, 1, SHORT)).contains(Duration.ofMillis(200));
    assertThat(always.afterExit(0, false, 4, SHORT)).contains(Duration.ofMillis(1600));
    assertThat(always.afterExit(0, false, 30, SHORT)).contains(Duration.ofMinutes(1));
    assertThat(always.afterExit(0, false, 4, Duration.ofSeconds(11))).contains(Duration.ofMillis(100));
    assertThat(always.afterExit(0, false, 4, Duration.ofSeconds(10))).as("exactly 10 s is not more")
        .contains(Duration.ofMillis(1600));
  }
}
