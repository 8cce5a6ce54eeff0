package io.berth.cluster.control;

import static io.berth.cluster.control.ServiceSpecReaderTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.cluster.model.SwarmSpec;
import org.junit.jupiter.api.Test;

/** The swarm specs the docker CLI v28.2 sends for {@code swarm init}, {@code update} and {@code ca --rotate}. */
class SwarmSpecReaderTest {
  /** {@code docker swarm init}'s Spec: empty sections mean Docker's defaults. */
  static final String INIT = """
      {"Labels":null,"Orchestration":{},"Raft":{"ElectionTick":0,"HeartbeatTick":0},"Dispatcher":{},"CAConfig":{},\
      "TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}}""";

  /** {@code docker swarm update --task-history-limit 7}: the spec read back with the flag applied. */
  static final String UPDATE = """
      {"Name":"default","Labels":{},"Orchestration":{"TaskHistoryRetentionLimit":7},"Raft":{"ElectionTick":0,\
      "HeartbeatTick":0},"Dispatcher":{"HeartbeatPeriod":5000000000},"CAConfig":{"NodeCertExpiry":7776000000000000},\
      "TaskDefaults":{},"EncryptionConfig":{"AutoLockManagers":false}}""";

  @Test
  void initsEmptySectionsToDockersDefaults() {
    SwarmSpecReader.Read read = SwarmSpecReader.read(json(INIT), SwarmSpec.defaults());
    assertThat(read.spec()).isEqualTo(SwarmSpec.defaults());
    assertThat(read.forceRotate()).isZero();
  }

  @Test
  void updatesWhatTheCliSends() {
    SwarmSpec base = SwarmSpecReader.read(json(INIT.replace("\"Dispatcher\":{}",
        "\"Dispatcher\":{\"HeartbeatPeriod\":2000000000}")), SwarmSpec.defaults()).spec();
    assertThat(base.dispatcher().heartbeatPeriodNanos()).isEqualTo(2_000_000_000L);
    SwarmSpec next = SwarmSpecReader.read(json(UPDATE), base).spec();
    assertThat(next.orchestration().taskHistoryRetentionLimit()).isEqualTo(7);
    assertThat(next.dispatcher().heartbeatPeriodNanos()).isEqualTo(5_000_000_000L);
    assertThat(SwarmSpecReader.read(json(UPDATE.replace("\"AutoLockManagers\":false", "\"AutoLockManagers\":true")),
        base).spec().encryptionConfig().autoLockManagers()).isTrue();
  }

  @Test
  void caRotateIsTheForceRotateCounter() {
    String body = UPDATE.replace("\"NodeCertExpiry\":7776000000000000", "\"NodeCertExpiry\":7776000000000000,\"ForceRotate\":1");
    assertThat(SwarmSpecReader.read(json(body), SwarmSpec.defaults()).forceRotate()).isEqualTo(1);
  }

  @Test
  void refusesRaftTuningAndUnknownFieldsByName() {
    assertThatThrownBy(() -> SwarmSpecReader.read(json(UPDATE.replace("\"ElectionTick\":0", "\"ElectionTick\":10")),
        SwarmSpec.defaults())).hasMessageContaining("Raft.ElectionTick is not supported");
    assertThatThrownBy(() -> SwarmSpecReader.read(json(UPDATE.replace("\"TaskDefaults\":{}",
        "\"TaskDefaults\":{\"LogDriver\":{\"Name\":\"local\"}}")), SwarmSpec.defaults()))
        .hasMessageContaining("TaskDefaults.LogDriver").hasMessageContaining("--log-driver");
    assertThatThrownBy(() -> SwarmSpecReader.read(json("{\"Nope\":1}"), SwarmSpec.defaults()))
        .hasMessageContaining("unknown field Nope");
    assertThatThrownBy(() -> SwarmSpecReader.read(json(UPDATE.replace("7776000000000000", "60000000000")),
        SwarmSpec.defaults())).hasMessageContaining("minimum certificate expiry time is 1h0m0s");
  }
}
