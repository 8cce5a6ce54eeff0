package io.berth.daemon.container;

import static io.berth.daemon.container.ContainerStatus.CREATED;
import static io.berth.daemon.container.ContainerStatus.DEAD;
import static io.berth.daemon.container.ContainerStatus.EXITED;
import static io.berth.daemon.container.ContainerStatus.PAUSED;
import static io.berth.daemon.container.ContainerStatus.REMOVING;
import static io.berth.daemon.container.ContainerStatus.RESTARTING;
import static io.berth.daemon.container.ContainerStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ConflictException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerStatusTest {
  /** The whole table, written out: each state and the ones it may go to (besides itself). */
  private static final Map<ContainerStatus, Set<ContainerStatus>> ALLOWED = Map.of(
      CREATED, EnumSet.of(RUNNING, REMOVING, DEAD),
      RUNNING, EnumSet.of(PAUSED, EXITED, RESTARTING, REMOVING, DEAD),
      PAUSED, EnumSet.of(RUNNING, EXITED, RESTARTING, REMOVING, DEAD),
      RESTARTING, EnumSet.of(RUNNING, EXITED, REMOVING, DEAD),
      EXITED, EnumSet.of(RUNNING, RESTARTING, REMOVING, DEAD),
      REMOVING, EnumSet.of(DEAD),
      DEAD, EnumSet.of(REMOVING));

  @Test
  void everyPairIsAllowedExactlyWhenTheTableSaysSo() {
    for (ContainerStatus from : ContainerStatus.values()) {
      for (ContainerStatus to : ContainerStatus.values()) {
        boolean expected = from == to || ALLOWED.get(from).contains(to);
        assertThat(from.canGo(to)).as(from + " -> " + to).isEqualTo(expected);
      }
    }
  }

  @Test
  void aRefusedChangeIsAConflictNamingBothStatesAndChangesNothing() {
    ContainerState s = new ContainerState();
    assertThatThrownBy(() -> s.to("abc", EXITED))
        .isInstanceOf(ConflictException.class)
        .hasMessage("container abc cannot go from created to exited");
    assertThat(s.status()).isEqualTo(CREATED);
    s.to("abc", RUNNING);
    s.to("abc", REMOVING);
    assertThatThrownBy(() -> s.to("abc", RUNNING)).hasMessageContaining("from removing to running");
    ContainerState dead = RecordJson.MAPPER.convertValue(Map.of("status", "dead"), ContainerState.class);
    assertThatThrownBy(() -> dead.checkCanGo("abc", RUNNING)).isInstanceOf(ConflictException.class)
        .hasMessage("container abc cannot go from dead to running");
    assertThat(dead.status()).isEqualTo(DEAD);
  }

  @Test
  void runningInDockersSenseIsRunningPausedOrRestarting() {
    assertThat(EnumSet.allOf(ContainerStatus.class).stream().filter(ContainerStatus::running))
        .containsExactlyInAnyOrder(RUNNING, PAUSED, RESTARTING);
  }

  @Test
  void storedAndReadByTheWireNameAsRecordsBeforeTheEnum() throws Exception {
    ContainerState s = RecordJson.MAPPER.readValue("{\"status\":\"paused\",\"pid\":7}", ContainerState.class);
    assertThat(s.status()).isEqualTo(PAUSED);
    assertThat(RecordJson.MAPPER.writeValueAsString(s)).contains("\"status\":\"paused\"");
    assertThat(RecordJson.MAPPER.readValue("{\"status\":\"bogus\"}", ContainerState.class).status()).isEqualTo(DEAD);
    assertThat(RecordJson.MAPPER.readValue("{}", ContainerState.class).status()).isEqualTo(CREATED);
  }
}
