package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.ProcessTuning;
import org.junit.jupiter.api.Test;

class ContainerTuningTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode hc(String json) throws Exception {
    return M.readTree(json);
  }

  @Test
  void readsWhatDockerSends() throws Exception {
    ProcessTuning t = ContainerTuning.of(hc("""
        {"NetworkMode": "mynet", "Ulimits": [{"Name": "nofile", "Soft": 1024, "Hard": 2048}, {"Name": "core", "Soft": -1, "Hard": -1}],
         "Sysctls": {"net.core.somaxconn": "1024", "kernel.shmmax": "1000000", "fs.mqueue.msg_max": "20"},
         "ShmSize": 33554432, "GroupAdd": ["audio", "4242"], "OomScoreAdj": 300,
         "Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/n", "CgroupPermissions": ""}],
         "PidMode": "host", "IpcMode": "shareable"}"""));
    assertThat(t.devices()).containsExactly(new ProcessTuning.DeviceRequest("/dev/null", "/dev/n", "rwm"));
    assertThat(t.pidNamespace()).isEqualTo("host");
    assertThat(t.ipcNamespace()).isNull();
    assertThat(t.rlimits()).containsExactly(new ProcessTuning.Rlimit("RLIMIT_NOFILE", 1024, 2048),
        new ProcessTuning.Rlimit("RLIMIT_CORE", -1, -1));
    assertThat(t.sysctls()).containsOnlyKeys("net.core.somaxconn", "kernel.shmmax", "fs.mqueue.msg_max");
    assertThat(t.shmSize()).isEqualTo(32L << 20);
    assertThat(t.groupAdd()).containsExactly("audio", "4242");
    assertThat(t.oomScoreAdj()).isEqualTo(300);
    // what the docker CLI sends when nothing is set
    assertThat(ContainerTuning.of(hc("{\"Ulimits\": null, \"Sysctls\": null, \"ShmSize\": 0, \"GroupAdd\": null,"
        + " \"OomScoreAdj\": 0, \"Devices\": [], \"PidMode\": \"\", \"IpcMode\": \"\"}")))
        .isEqualTo(ProcessTuning.NONE);
  }

  @Test
  void refusesWhatDockerRefuses() {
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"Ulimits\": [{\"Name\": \"bogus\", \"Soft\": 1, \"Hard\": 1}]}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid ulimit type: bogus");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"Ulimits\": [{\"Name\": \"nofile\", \"Soft\": 10, \"Hard\": 5}]}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("soft limit must be less than or equal to hard limit: 10 > 5");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"Sysctls\": {\"kernel.panic\": \"1\"}}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("sysctl 'kernel.panic' is not allowed");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"NetworkMode\": \"host\", \"Sysctls\": {\"net.core.somaxconn\": \"1\"}}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("sysctl 'net.core.somaxconn' not allowed in hostnetwork mode");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"ShmSize\": -1}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("SHM size can not be less than 0");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"Devices\": [{\"PathOnHost\": \"/dev/nosuchdevice\"}]}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("error gathering device information while adding"
            + " custom device \"/dev/nosuchdevice\": no such file or directory");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"PidMode\": \"bogus\"}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid PID mode: bogus");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"IpcMode\": \"bogus\"}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid IPC mode: bogus");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"IpcMode\": \"container:x\"}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("is not supported");
    assertThatThrownBy(() -> ContainerTuning.of(hc("{\"OomScoreAdj\": 1001}")))
        .isInstanceOf(InvalidArgumentException.class).hasMessage("Invalid value 1001, range for oom score adj is [-1000, 1000]");
  }
}
