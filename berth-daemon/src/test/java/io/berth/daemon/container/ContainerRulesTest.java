package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.InvalidArgumentException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerRulesTest {
  @Test
  void restartPolicies() {
    var hc = RecordJson.object();
    hc.putObject("RestartPolicy").put("Name", "on-failure").put("MaximumRetryCount", 2);
    RestartPolicy p = RestartPolicy.of(hc);
    assertThat(p.shouldRestart(1, false, 0)).isTrue();
    assertThat(p.shouldRestart(1, false, 2)).isFalse();
    assertThat(p.shouldRestart(0, false, 0)).isFalse();
    assertThat(p.shouldRestart(1, true, 0)).isFalse();
    assertThat(new RestartPolicy("always", 0).shouldRestart(0, false, 99)).isTrue();
    assertThat(new RestartPolicy("no", 0).shouldRestart(1, false, 0)).isFalse();
    assertThat(RestartPolicy.delay(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(RestartPolicy.delay(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(RestartPolicy.delay(30)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void envMergeLetsTheUserOverrideTheImage() {
    assertThat(ContainerFactory.mergeEnv(List.of("PATH=/bin", "A=1"), List.of("A=2", "B=3")))
        .containsExactly("PATH=/bin", "A=2", "B=3");
    assertThatThrownBy(() -> ContainerFactory.mergeEnv(List.of(), List.of("=x")))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void portSpecs() {
    assertThat(PortSpecs.parseContainerPort("8080/udp").protocol()).isEqualTo("udp");
    assertThat(PortSpecs.parseContainerPort("80").containerPort()).isEqualTo(80);
    assertThat(PortSpecs.parseHostPort("")).isZero();
    assertThatThrownBy(() -> PortSpecs.parseContainerPort("70000/tcp")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> PortSpecs.parseContainerPort("80/xyz")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> PortSpecs.parseHostPort("http")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void humanDurationsAsDockerPrintsThem() {
    assertThat(ContainerViews.human(Duration.ofMillis(300))).isEqualTo("Less than a second");
    assertThat(ContainerViews.human(Duration.ofSeconds(1))).isEqualTo("1 second");
    assertThat(ContainerViews.human(Duration.ofSeconds(42))).isEqualTo("42 seconds");
    assertThat(ContainerViews.human(Duration.ofSeconds(70))).isEqualTo("About a minute");
    assertThat(ContainerViews.human(Duration.ofMinutes(5))).isEqualTo("5 minutes");
    assertThat(ContainerViews.human(Duration.ofMinutes(61))).isEqualTo("About an hour");
    assertThat(ContainerViews.human(Duration.ofHours(5))).isEqualTo("5 hours");
    assertThat(ContainerViews.human(Duration.ofDays(3))).isEqualTo("3 days");
  }

  @Test
  void containerNames() {
    assertThat(ContainerRepository.checkName("/web_1")).isEqualTo("web_1");
    assertThatThrownBy(() -> ContainerRepository.checkName("bad name")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ContainerRepository.checkName("-x")).isInstanceOf(InvalidArgumentException.class);
  }
}
