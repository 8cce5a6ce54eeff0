package io.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.records.RecordJson;
import io.berth.errdefs.ConflictException;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.runtime.Resources;
import org.junit.jupiter.api.Test;

/** docker update's rules: what merges, what conflicts, what is refused, what runc is told. */
class ContainerUpdateTest {
  private static Container container(ObjectNode hc) {
    Container c = new Container();
    c.id = "abc";
    c.hostConfig = hc;
    return c;
  }

  /** The body the docker CLI sends: every Resources field, zero unless given. */
  private static ObjectNode cliBody() {
    ObjectNode b = RecordJson.object();
    for (String f : new String[] {"CpuShares", "Memory", "NanoCpus", "BlkioWeight", "CpuPeriod", "CpuQuota",
        "CpuRealtimePeriod", "CpuRealtimeRuntime", "MemoryReservation", "MemorySwap", "CpuCount", "CpuPercent",
        "IOMaximumIOps", "IOMaximumBandwidth"}) {
      b.put(f, 0);
    }
    b.put("CgroupParent", "").put("CpusetCpus", "").put("CpusetMems", "");
    b.putNull("BlkioWeightDevice");
    b.putNull("Devices");
    b.putNull("MemorySwappiness");
    b.putNull("OomKillDisable");
    b.putNull("PidsLimit");
    b.putNull("Ulimits");
    b.putObject("RestartPolicy").put("Name", "").put("MaximumRetryCount", 0);
    return b;
  }

  @Test
  void onlyGivenFieldsChangeAndRunGetsTheirMergedValues() {
    ObjectNode hc = RecordJson.object().put("Memory", 128L << 20).put("PidsLimit", 10);
    hc.putObject("RestartPolicy").put("Name", "no");
    ObjectNode body = cliBody().put("Memory", 64L << 20).put("NanoCpus", 500_000_000L);
    body.putObject("RestartPolicy").put("Name", "always").put("MaximumRetryCount", 0);
    ContainerUpdater.refuseUnsupported(body);
    ObjectNode merged = ContainerUpdater.merge(container(hc), hc.deepCopy(), body);
    assertThat(merged.path("Memory").asLong()).isEqualTo(64L << 20);
    assertThat(merged.path("NanoCpus").asLong()).isEqualTo(500_000_000L);
    assertThat(merged.path("PidsLimit").asLong()).as("untouched").isEqualTo(10);
    assertThat(merged.path("RestartPolicy").path("Name").asText()).isEqualTo("always");
    Resources live = ContainerUpdater.live(merged, body);
    assertThat(live).isEqualTo(new Resources(64L << 20, 64L << 20, null, null, 50_000L, 100_000L, null));
  }

  @Test
  void pidsLimitZeroOrNegativeMeansUnlimited() {
    ObjectNode hc = RecordJson.object().put("PidsLimit", 10);
    ObjectNode body = cliBody().put("PidsLimit", -1);
    ObjectNode merged = ContainerUpdater.merge(container(hc), hc.deepCopy(), body);
    assertThat(merged.path("PidsLimit").asLong()).isZero();
    assertThat(ContainerUpdater.live(merged, body).pidsLimit()).isEqualTo(-1L);
  }

  @Test
  void dockersConflictsAcrossUpdates() {
    ObjectNode nano = RecordJson.object().put("NanoCpus", 1_000_000_000L);
    assertThatThrownBy(() -> ContainerUpdater.merge(container(nano), nano.deepCopy(), cliBody().put("CpuQuota", 50000)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("CPU Quota cannot be updated as NanoCPUs");
    ObjectNode swap = RecordJson.object().put("Memory", 64L << 20).put("MemorySwap", 128L << 20);
    assertThatThrownBy(() -> ContainerUpdater.merge(container(swap), swap.deepCopy(), cliBody().put("Memory", 256L << 20)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("update the memoryswap at the same time");
    ObjectNode noSwap = RecordJson.object().put("Memory", 64L << 20);
    assertThat(ContainerUpdater.merge(container(noSwap), noSwap.deepCopy(), cliBody().put("Memory", 256L << 20))
        .path("Memory").asLong()).as("no swap limit set: memory may grow").isEqualTo(256L << 20);
    ObjectNode rm = RecordJson.object().put("AutoRemove", true);
    ObjectNode always = cliBody();
    always.putObject("RestartPolicy").put("Name", "always");
    assertThatThrownBy(() -> ContainerUpdater.merge(container(rm), rm.deepCopy(), always))
        .isInstanceOf(ConflictException.class).hasMessageContaining("AutoRemove");
  }

  @Test
  void fieldsBerthCannotApplyAreRefusedByName() {
    assertThatThrownBy(() -> ContainerUpdater.refuseUnsupported(cliBody().put("BlkioWeight", 300).put("CpusetCpus", "0")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("BlkioWeight, CpusetCpus");
    ObjectNode oom = cliBody();
    oom.put("OomKillDisable", true);
    assertThatThrownBy(() -> ContainerUpdater.refuseUnsupported(oom)).hasMessageContaining("OomKillDisable");
    ContainerUpdater.refuseUnsupported(cliBody()); // zero values are "not given"
  }

  @Test
  void resourcesFromHostConfigAndDockersChecks() {
    assertThat(ContainerResources.of(RecordJson.object().put("CpuQuota", 25000).put("CpuPeriod", 50000).put("CpuShares", 512)
        .put("MemoryReservation", 32L << 20))).isEqualTo(new Resources(null, null, 32L << 20, 512L, 25000L, 50000L, null));
    assertThat(ContainerResources.of(RecordJson.object().put("Memory", 64L << 20).put("MemorySwap", -1)).effectiveSwap())
        .isEqualTo(-1L);
    assertThatThrownBy(() -> ContainerResources.validate(RecordJson.object().put("Memory", 64L << 20)
        .put("MemorySwap", 32L << 20), true)).hasMessageContaining("Minimum memoryswap limit");
    assertThatThrownBy(() -> ContainerResources.validate(RecordJson.object().put("MemorySwap", 32L << 20), false))
        .hasMessageContaining("You should always set the Memory limit");
    ContainerResources.validate(RecordJson.object().put("MemorySwap", 32L << 20), true);
    assertThatThrownBy(() -> ContainerResources.validate(RecordJson.object().put("CpuPeriod", 10), true))
        .hasMessageContaining("CPU cfs period");
    assertThatThrownBy(() -> ContainerResources.validate(RecordJson.object().put("Memory", 8L << 20)
        .put("MemoryReservation", 16L << 20), true)).hasMessageContaining("memory reservation");
  }
}
