package io.berth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerHostTest {
  @Test
  void flagWinsOverBerthHostOverDockerHostOverDefault() {
    Map<String, String> both = Map.of("BERTH_HOST", "unix:///b.sock", "DOCKER_HOST", "unix:///d.sock");
    assertThat(DockerHost.pick("unix:///f.sock", both)).isEqualTo("unix:///f.sock");
    assertThat(DockerHost.pick(null, both)).isEqualTo("unix:///b.sock");
    assertThat(DockerHost.pick("", Map.of("DOCKER_HOST", "unix:///d.sock"))).isEqualTo("unix:///d.sock");
    assertThat(DockerHost.pick(null, Map.of("BERTH_HOST", " "))).isEqualTo("unix:///run/berth/berth.sock");
  }

  @Test
  void normalisesLikeDocker() {
    assertThat(DockerHost.normalize("/tmp/x.sock", false)).isEqualTo("unix:///tmp/x.sock");
    assertThat(DockerHost.normalize("unix://", false)).isEqualTo("unix:///run/berth/berth.sock");
    assertThat(DockerHost.normalize("tcp://10.0.0.1", false)).isEqualTo("tcp://10.0.0.1:2375");
    assertThat(DockerHost.normalize("tcp://10.0.0.1", true)).isEqualTo("tcp://10.0.0.1:2376");
    assertThat(DockerHost.normalize("tcp://:4243", false)).isEqualTo("tcp://localhost:4243");
    assertThat(DockerHost.normalize("example.org:1234", false)).isEqualTo("tcp://example.org:1234");
    assertThat(DockerHost.normalize("tcp://[::1]:2376/", true)).isEqualTo("tcp://[::1]:2376");
  }

  @Test
  void tcpPartsAreSplit() {
    DockerHost h = new DockerHost(DockerHost.normalize("tcp://[::1]:99", false), null);
    assertThat(h.isUnix()).isFalse();
    assertThat(h.tcpHost()).isEqualTo("::1");
    assertThat(h.tcpPort()).isEqualTo(99);
    assertThat(DockerHost.resolve(null, Map.of(), null).socketPath()).isEqualTo("/run/berth/berth.sock");
  }

  @Test
  void refusesWhatItCannotReach() {
    assertThatThrownBy(() -> DockerHost.normalize("ssh://me@box", false)).hasMessageContaining("ssh:// is not supported");
    assertThatThrownBy(() -> DockerHost.normalize("tcp://h:99999", false)).hasMessageContaining("invalid port");
    assertThatThrownBy(() -> DockerHost.normalize("tcp://h:2375/api", false)).hasMessageContaining("path");
  }
}
