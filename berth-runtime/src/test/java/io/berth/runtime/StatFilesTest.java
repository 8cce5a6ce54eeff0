package io.berth.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.runtime.RuntimeResources.Stats;
import io.berth.runtime.RuntimeResources.Stats.BlkioEntry;
import io.berth.runtime.RuntimeResources.Stats.NetInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures of {@code docker stats} and the metrics, from the kernel's file formats. */
class StatFilesTest {
  @TempDir Path dir;

  @Test
  void v1BlkioKeepsEveryDeviceAndOpAsTheKernelSpellsItSkippingTheTotalLine() throws Exception {
    Path f = Files.writeString(dir.resolve("blkio.throttle.io_service_bytes"), """
        8:0 Read 4096
        8:0 Write 8192
        8:0 Sync 100
        8:0 Total 12288
        8:16 Read 1000
        8:16 Write 0
        Total 13388
        """);
    List<BlkioEntry> entries = StatFiles.blkioV1(f);
    assertThat(entries).containsExactly(new BlkioEntry(8, 0, "Read", 4096), new BlkioEntry(8, 0, "Write", 8192),
        new BlkioEntry(8, 0, "Sync", 100), new BlkioEntry(8, 0, "Total", 12288), new BlkioEntry(8, 16, "Read", 1000),
        new BlkioEntry(8, 16, "Write", 0));
    Stats.Blkio blkio = new Stats.Blkio(true, entries, List.of());
    assertThat(blkio.bytes('r')).as("Read only, not Total").isEqualTo(5096);
    assertThat(blkio.bytes('w')).isEqualTo(8192);
  }

  @Test
  void v2IoStatBecomesAReadAndAWriteEntryPerDevice() throws Exception {
    Path f = Files.writeString(dir.resolve("io.stat"),
        "8:0 rbytes=4096 wbytes=512 rios=1 wios=1 dbytes=0 dios=0\n259:0 rbytes=10 wbytes=20 rios=1 wios=1\n");
    List<BlkioEntry> entries = StatFiles.ioStatV2(f);
    assertThat(entries).containsExactly(new BlkioEntry(8, 0, "read", 4096), new BlkioEntry(8, 0, "write", 512),
        new BlkioEntry(259, 0, "read", 10), new BlkioEntry(259, 0, "write", 20));
    Stats.Blkio blkio = new Stats.Blkio(false, entries, List.of());
    assertThat(blkio.bytes('r')).isEqualTo(4106);
    assertThat(blkio.bytes('w')).isEqualTo(532);
  }

  @Test
  void netDevGivesEveryInterfaceButLoopbackWithDockersEightCounters() throws Exception {
    Path f = Files.writeString(dir.resolve("dev"), """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:    5000      10    0    0    0     0          0         0     5000      10    0    0    0     0       0          0
          eth0:    1162      15    1    2    0     0          0         0      516       6    3    4    0     0       0          0
          eth1:      38       1    0    0    0     0          0         0        4       1    0    0    0     0       0          0
        """);
    assertThat(StatFiles.netDev(f)).containsExactly(new NetInterface("eth0", 1162, 15, 1, 2, 516, 6, 3, 4),
        new NetInterface("eth1", 38, 1, 0, 0, 4, 1, 0, 0));
    Stats st = new Stats(null, null, 0, 0, StatFiles.netDev(f), null);
    assertThat(st.netRxBytes()).isEqualTo(1200);
    assertThat(st.netTxBytes()).isEqualTo(520);
  }

  @Test
  void cpuStatAndMemoryStatAreReadAsKeyValuePairs() throws Exception {
    Path cpu = Files.writeString(dir.resolve("cpu.stat"), """
        usage_usec 250000
        user_usec 150000
        system_usec 100000
        nr_periods 40
        nr_throttled 3
        throttled_usec 1200
        """);
    assertThat(StatFiles.flat(cpu)).containsExactly(Map.entry("usage_usec", 250000L), Map.entry("user_usec", 150000L),
        Map.entry("system_usec", 100000L), Map.entry("nr_periods", 40L), Map.entry("nr_throttled", 3L),
        Map.entry("throttled_usec", 1200L));
    Path mem = Files.writeString(dir.resolve("memory.stat"),
        "cache 4096\ntotal_inactive_file 1024\nhierarchical_memsw_limit 18446744073709551615\n");
    Map<String, Long> stat = StatFiles.flat(mem);
    assertThat(stat.get("hierarchical_memsw_limit")).as("unsigned 2^64-1").isEqualTo(-1L);
    assertThat(new Stats.Memory(8192, 1 << 20, -1, -1, stat).inactiveFile()).isEqualTo(1024);
    assertThat(new Stats.Memory(8192, 1 << 20, -1, -1, Map.of("inactive_file", 512L)).inactiveFile()).isEqualTo(512);
  }

  @Test
  void perCpuTimeIsOneLineOfNanoseconds() throws Exception {
    Path f = Files.writeString(dir.resolve("cpuacct.usage_percpu"), "123 456 0 789 \n");
    assertThat(StatFiles.perCpu(f)).containsExactly(123L, 456L, 0L, 789L);
  }

  @Test
  void aMissingFileCountsNothing() {
    assertThat(StatFiles.netDev(dir.resolve("gone"))).isEmpty();
    assertThat(StatFiles.blkioV1(dir.resolve("gone"))).isEmpty();
    assertThat(StatFiles.ioStatV2(dir.resolve("gone"))).isEmpty();
    assertThat(StatFiles.flat(dir.resolve("gone"))).isEmpty();
  }
}
